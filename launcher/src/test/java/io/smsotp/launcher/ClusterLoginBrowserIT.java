package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.testsupport.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void logsInToTheDemoAppThroughTheProxyWithTheCodeFromTheInboxPage() throws Exception {
        String passwordFile = System.getProperty("smsotp.cluster.passwordFile");
        assertThat(passwordFile).as("-Dsmsotp.cluster.passwordFile: the demo user's password").isNotBlank();
        String password = Files.readString(Path.of(passwordFile)).strip();
        String demoApp = System.getProperty("smsotp.cluster.demoApp", "http://localhost:8070/");
        String inbox = System.getProperty("smsotp.cluster.inbox", "http://localhost:8090/");

        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(60))) {
            browser.open(demoApp);
            browser.waitForText("Pickup Dispatch");
            browser.click("#login");
            browser.waitForText("Sign in");
            assertThat(browser.driver().getCurrentUrl()).startsWith("http://localhost:8080/");
            browser.fill("username", "demo").fill("password", password).click("Sign in");
            assertThat(browser.waitForText("Enter the code")).contains("0100");
            String loginTab = browser.driver().getWindowHandle();

            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.open(inbox);
            Matcher code = Pattern.compile("\\b([0-9]{6}) is your Pickup Dispatch verification code")
                    .matcher(browser.waitForText("is your Pickup Dispatch verification code"));
            assertThat(code.find()).isTrue();
            browser.driver().close();
            browser.driver().switchTo().window(loginTab);

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
}
