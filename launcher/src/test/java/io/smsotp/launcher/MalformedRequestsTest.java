package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsotp.auth.ApiPaths;
import io.smsotp.config.ConfigLoader;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import io.smsotp.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A request that cannot be read is the client's error, on every form route: 400, an HTML page on
 * the login routes and the OAuth error JSON on the token endpoint, and at most one log line
 * without a stack. Runs in the {@code log-capture} JVM, whose log goes to a file this test reads.
 */
class MalformedRequestsTest {

    static final List<String> PAGE_ROUTES = List.of(ApiPaths.AUTHORIZE, ApiPaths.LOGIN_PASSWORD, ApiPaths.LOGIN_OTP,
            ApiPaths.LOGIN_MOBILE, ApiPaths.LOGIN_CANCEL);
    /** Routes that answer JSON: the code page's script asks one, an OAuth client the other. */
    static final Map<String, String> JSON_ROUTES = Map.of(ApiPaths.TOKEN, "invalid_request",
            ApiPaths.LOGIN_STATUS, "invalid_login");

    /** content type → body: each one a way a form can fail to be a form. */
    static final List<String[]> MALFORMED = List.of(
            new String[] {"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nab"},
            new String[] {"multipart/form-data; boundary=XyZ", "not multipart at all"},
            new String[] {"multipart/form-data", "--\r\n--\r\n"},
            new String[] {"multipart/form-data; boundary=", "\u0000\u0001\u0002"},
            new String[] {"application/x-www-form-urlencoded", "login=%zz&csrf=%"},
            new String[] {"application/x-www-form-urlencoded; charset=no-such-charset", "login=a"},
            new String[] {"application/json", "{\"login\":\"a\"}"},
            new String[] {"text/plain", "login=a"},
            new String[] {"application/x-www-form-urlencoded", "%"});

    @Test
    void everyFormRouteAnswersAnUnreadableBodyWith400AndLogsNoStack() throws Exception {
        String logFile = System.getProperty("smsotp.test.logFile");
        assertThat(logFile).as("run by the log-capture execution (mvn verify), which sends the log to a file")
                .isNotBlank();
        Path dataDir = Files.createTempDirectory("smsotp-malformed-");
        EmbeddedDefault system = EmbeddedDefault.start(ConfigLoader.parse("""
                auth: {port: 0}
                gateway: {port: 0}
                apps:
                  - {id: portal, clientSecret: malformed-test-secret-01, redirectUris: ['http://localhost:9999/cb']}
                """, Map.of()), dataDir, sms -> { });
        long logBefore = Files.size(Path.of(logFile));
        List<String> answers = new ArrayList<>();
        try {
            FormBrowser browser = new FormBrowser(system.authUrl());
            Random random = new Random(9);
            for (String route : PAGE_ROUTES) {
                for (String[] bad : MALFORMED) {
                    Page page = browser.postRaw(route, bad[0], bad[1]);
                    answers.add(route + " " + bad[0] + " -> " + page.status());
                    assertThat(page.status()).as("%s with %s", route, bad[0]).isEqualTo(400);
                    assertThat(page.headers().firstValue("Content-Type").orElse("")).as("%s with %s", route, bad[0])
                            .startsWith("text/html");
                }
                for (int i = 0; i < 20; i++) {
                    Page page = browser.postRaw(route, "multipart/form-data; boundary=b" + i, randomText(random));
                    assertThat(page.status()).as("%s with random multipart", route).isEqualTo(400);
                }
            }
            for (Map.Entry<String, String> route : JSON_ROUTES.entrySet()) {
                for (String[] bad : MALFORMED) {
                    Page answer = browser.postRaw(route.getKey(), bad[0], bad[1]);
                    assertThat(answer.status()).as("%s with %s", route.getKey(), bad[0]).isEqualTo(400);
                    assertThat(new ObjectMapper().readTree(answer.body()).path("error").asText())
                            .isEqualTo(route.getValue());
                    assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
                }
            }
        } finally {
            system.close();
            TestKafka.deleteRecursively(dataDir);
        }

        byte[] all = Files.readAllBytes(Path.of(logFile));
        String logged = new String(all, (int) logBefore, all.length - (int) logBefore, StandardCharsets.UTF_8);
        // the log is at DEBUG (the broker's own debug lines carry stacks): look at what the HTTP threads logged
        List<String> httpEntries = entriesOfThreads(logged, "[JettyServerThreadPool", "[otp-gateway-answers");
        assertThat(logged).as("the capture worked: the run's DEBUG lines are in it").contains(" DEBUG ");
        assertThat(httpEntries).noneSatisfy(e -> assertThat(e).contains("\tat "));
        assertThat(httpEntries).noneSatisfy(e -> assertThat(e).containsAnyOf(" ERROR ", " WARN "));
        assertThat(answers).hasSize(PAGE_ROUTES.size() * MALFORMED.size());
    }

    /** The log entries (a line and the lines of its stack, if any) of threads whose names start as given. */
    static List<String> entriesOfThreads(String log, String... threads) {
        List<String> entries = new ArrayList<>();
        StringBuilder current = null;
        for (String line : log.split("\n")) {
            if (line.matches("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\[.*")) {
                if (current != null) {
                    entries.add(current.toString());
                }
                current = java.util.Arrays.stream(threads).anyMatch(line::contains) ? new StringBuilder(line) : null;
            } else if (current != null) {
                current.append('\n').append(line);
            }
        }
        if (current != null) {
            entries.add(current.toString());
        }
        return entries;
    }

    private static String randomText(Random random) {
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            sb.append((char) (random.nextInt(0x7f - 9) + 9));
        }
        return sb.toString();
    }
}
