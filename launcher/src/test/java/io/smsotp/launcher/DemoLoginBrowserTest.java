package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.ConfigLoader;
import io.smsotp.testsupport.Browser;
import io.smsotp.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * What a newcomer does on a fresh machine: start the launcher with no configuration, read the
 * demo user off the console, log in to Pickup Dispatch in a browser, and copy the code from the
 * SMS inbox page in another tab.
 */
class DemoLoginBrowserTest {

    static Path dataDir;
    static EmbeddedDefault system;
    static String console;

    @BeforeAll
    static void startLikeTheLauncher() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-demo-login-");
        // the launcher's defaults, on free ports so the test runs beside anything else
        system = EmbeddedDefault.start(ConfigLoader.parse("auth: {port: 0}\ngateway: {port: 0}\n", Map.of()), dataDir,
                sms -> { }, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Launcher.printWelcome(system, dataDir, new PrintStream(out, true, StandardCharsets.UTF_8));
        console = out.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    @Test
    void theConsoleNamesTheDemoAppAndUserAndTheyLogInWithTheCodeFromTheInboxPage() {
        String username = printed("username");
        String password = printed("password");
        String mobile = printed("mobile");
        assertThat(console).contains("Demo app       " + system.demoAppUrl());
        assertThat(username).isEqualTo("demo");
        assertThat(mobile).startsWith("+");

        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(30))) {
            browser.open(system.demoAppUrl());
            browser.waitForText("Pickup Dispatch");
            browser.click("#login");
            browser.waitForText("Sign in");
            browser.fill("username", username).fill("password", password).click("Sign in");
            String otpPage = browser.waitForText("Enter the code");
            assertThat(otpPage).contains(mobile.substring(mobile.length() - 4));
            String loginTab = browser.driver().getWindowHandle();

            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.open(system.gateway().inboxUrl());
            Matcher code = Pattern.compile("\\b([0-9]{6}) is your Pickup Dispatch verification code")
                    .matcher(browser.waitForText("is your Pickup Dispatch verification code"));
            assertThat(code.find()).isTrue();
            browser.driver().close();
            browser.driver().switchTo().window(loginTab);

            browser.fill("code", code.group(1)).click("Continue");
            browser.waitForText("Signed in");
            browser.screenshot(Path.of("target", "screenshots", "demo-login-signed-in.png"));
            assertThat(browser.driver().findElement(By.id("sub")).getText()).isEqualTo("demo");
            assertThat(browser.driver().findElement(By.id("amr")).getText()).isEqualTo("pwd sms");
        }
    }

    /** The value the welcome text prints after {@code label}. */
    private static String printed(String label) {
        Matcher m = Pattern.compile("^\\s+" + label + "\\s+(\\S+)", Pattern.MULTILINE).matcher(console);
        assertThat(m.find()).as("'%s' in the welcome text:%n%s", label, console).isTrue();
        return m.group(1);
    }
}
