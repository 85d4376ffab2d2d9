package io.smsotp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The helper against a tiny login-like form served on loopback by the JDK's own HTTP server. */
class BrowserTest {

    private static final String FORM = """
            <!doctype html><html><body>
            <form method="post" action="/hello">
              <input name="username"><input name="password" type="password">
              <select name="role"><option value="user">User</option><option value="admin">Admin</option></select>
              <input type="checkbox" name="remember" value="on">
              <button type="submit">Log in</button>
            </form>
            <a id="away" href="/hello">Elsewhere</a>
            </body></html>
            """;

    static HttpServer server;
    static String base;

    @BeforeAll
    static void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> reply(ex, FORM));
        server.createContext("/hello", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            reply(ex, "<!doctype html><html><body><p>Hello " + field(body, "username") + ", password of "
                    + field(body, "password").length() + " characters (role " + field(body, "role") + ", remember "
                    + (field(body, "remember").isEmpty() ? "no" : "yes") + ")</p></body></html>");
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void fillsAFormAndSubmitsItByButtonText() {
        try (Browser browser = Browser.start()) {
            browser.open(base + "/").fill("username", "alice").fill("password", "s3cret!").click("Log in");

            assertThat(browser.waitForText("Hello")).contains("Hello alice, password of 7 characters");
            assertThat(browser.currentUrl()).isEqualTo(base + "/hello");
        }
    }

    @Test
    void choosesAnOptionAndTicksACheckbox() {
        try (Browser browser = Browser.start()) {
            browser.open(base + "/").fill("username", "bob").choose("role", "admin").check("remember", true)
                    .click("Log in");

            assertThat(browser.waitForText("Hello")).contains("Hello bob").contains("(role admin, remember yes)");
        }
    }

    @Test
    void clicksByCssSelectorAndSavesAScreenshot() throws IOException {
        Path png = Files.createTempDirectory("browser-test-").resolve("shot.png");
        try (Browser browser = Browser.start()) {
            browser.open(base + "/").click("#away");
            browser.waitForText("Hello");

            browser.screenshot(png);
        }
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
        TestKafka.deleteRecursively(png.getParent());
    }

    @Test
    void saysWhatIsMissingWhenNothingMatchesTheClick() {
        try (Browser browser = Browser.start()) {
            browser.waitingUpTo(Duration.ofMillis(500)).open(base + "/");

            assertThatThrownBy(() -> browser.click("Resend (30 s)"))
                    .hasMessageContaining("nothing to click with text or CSS selector 'Resend (30 s)'");
        }
    }

    @Test
    void missingChromiumNamesTheDebianPackages() {
        assertThatThrownBy(() -> Browser.executable("/nonexistent/chromium", "CHROME_BIN", "Chromium"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/chromium")
                .hasMessageContaining("CHROME_BIN")
                .hasMessageContaining("chromium chromium-driver");
    }

    private static String field(String form, String name) {
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name) && kv.length == 2) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void reply(HttpExchange ex, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
