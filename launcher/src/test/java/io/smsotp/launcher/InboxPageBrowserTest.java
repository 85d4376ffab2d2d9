package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.ConfigLoader;
import io.smsotp.testsupport.Browser;
import io.smsotp.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake gateway's SMS inbox page, as a newcomer reads a code off it: in a real headless Chromium. */
class InboxPageBrowserTest {

    static final String API_KEY = "inbox-browser-api-key-0123456789";
    static final String CONFIG = """
            auth: {port: 0}
            gateway: {port: 0}
            apps:
              - {id: demo, name: Inbox Shop, apiKey: %s, otp: {length: 6, ttl: PT5M, maxAttempts: 3}}
            """.formatted(API_KEY);

    static Path dataDir;
    static EmbeddedDefault system;

    @BeforeAll
    static void startEmbeddedDefault() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-inbox-browser-");
        system = EmbeddedDefault.start(ConfigLoader.parse(CONFIG, Map.of()), dataDir, sms -> { });
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    @Test
    void inboxPageShowsTheNumberAndTheSmsWithItsCode() {
        String to = "+12125559876";
        assertThat(new Http(system.authUrl(), API_KEY).createChallenge(to).status()).isEqualTo(201);
        String inbox = "http://127.0.0.1:" + system.gateway().port() + "/";

        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(30))) {
            browser.open(inbox);
            // the page refreshes itself every 3 s, so the SMS shows up once the pipeline delivered it
            String page = browser.waitForText(to);
            browser.screenshot(Path.of("target", "screenshots", "inbox-page.png"));

            assertThat(page).contains("SMS inbox");
            assertThat(page).contains(to);
            assertThat(page).containsPattern("\\b\\d{6} is your Inbox Shop verification code\\.");
        }
    }
}
