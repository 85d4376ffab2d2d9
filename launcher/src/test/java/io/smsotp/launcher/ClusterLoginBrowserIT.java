package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsotp.testsupport.Browser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * A browser login on the compose cluster, through its published ports: Pickup Dispatch on 8070,
 * the login pages behind the proxy on 8080, the code from the inbox page on 8090. Not part of
 * {@code mvn verify} (its name ends in IT): {@code deploy/fault-test.sh} runs it once the cluster
 * is up, with {@code -Dtest=ClusterLoginBrowserIT -Dsmsotp.cluster.passwordFile=FILE} (the demo
 * user's password, read from the cluster's secrets).
 */
class ClusterLoginBrowserIT {

    private static final Pattern CODE = Pattern.compile("\\b([0-9]{6}) is your Pickup Dispatch verification code");

    @Test
    void logsInToTheDemoAppThroughTheProxyWithTheCodeFromTheInboxPage() throws Exception {
        String passwordFile = System.getProperty("smsotp.cluster.passwordFile");
        assertThat(passwordFile).as("-Dsmsotp.cluster.passwordFile: the demo user's password").isNotBlank();
        String password = Files.readString(Path.of(passwordFile)).strip();
        String demoApp = System.getProperty("smsotp.cluster.demoApp", "http://localhost:8070/");
        String inbox = System.getProperty("smsotp.cluster.inbox", "http://localhost:8090/");

        Instant started = Instant.now();
        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(60))) {
            browser.open(demoApp);
            browser.waitForText("Pickup Dispatch");
            browser.click("#login");
            browser.waitForText("Sign in");
            assertThat(browser.driver().getCurrentUrl()).startsWith("http://localhost:8080/");
            browser.fill("username", "demo").fill("password", password).click("Sign in");
            assertThat(browser.waitForText("Enter the code")).contains("0100");
            String loginTab = browser.driver().getWindowHandle();

            // the inbox page, in another tab, as a user reads it; the code is this login's: the newest
            // message to the demo number (an earlier login's code may be on the page too)
            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.open(inbox);
            browser.waitForText("is your Pickup Dispatch verification code");
            browser.driver().close();
            browser.driver().switchTo().window(loginTab);
            Matcher code = CODE.matcher(newestMessageTo(inbox, "+15555550100", started));
            assertThat(code.find()).isTrue();

            browser.fill("code", code.group(1)).click("Continue");
            try {
                browser.waitForText("Signed in");
            } catch (org.openqa.selenium.TimeoutException e) {
                browser.screenshot(Path.of("target", "screenshots", "cluster-login-failed.png"));
                throw new AssertionError("not signed in after the code; at " + browser.driver().getCurrentUrl()
                        + ", page source:\n" + browser.driver().getPageSource(), e);
            }
            browser.screenshot(Path.of("target", "screenshots", "cluster-login-signed-in.png"));
            assertThat(browser.driver().getCurrentUrl()).startsWith(demoApp);
            assertThat(browser.driver().findElement(By.id("sub")).getText()).isEqualTo("demo");
            assertThat(browser.driver().findElement(By.id("amr")).getText()).isEqualTo("pwd sms");
        }
    }

    /** The text of the newest SMS to {@code number} received since {@code since}, from the inbox's JSON. */
    private static String newestMessageTo(String inbox, String number, Instant since) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(inbox)
                .resolve("/messages?to=" + URLEncoder.encode(number, StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode newest = null;
        for (JsonNode m : new ObjectMapper().readTree(answer.body())) {
            Instant at = Instant.parse(m.path("receivedAt").asText());
            if (!at.isBefore(since) && (newest == null || at.isAfter(Instant.parse(newest.path("receivedAt").asText())))) {
                newest = m;
            }
        }
        assertThat(newest).as("an SMS to %s since %s in %s", number, since, answer.body()).isNotNull();
        return newest.path("text").asText();
    }
}
