package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.config.ConfigLoader;
import io.smsotp.launcher.demo.PickupDispatchApp;
import io.smsotp.launcher.gateway.FakeSmsGateway;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.testsupport.Browser;
import io.smsotp.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The guide's "try it out", done entirely in a real headless Chromium through the console, on a
 * fresh data dir with the whole pipeline behind it (a real broker, otp-stream, the dispatcher, the
 * launcher's fake SMS gateway): the admin signs in with the SMS code, adds a provider (a second
 * fake gateway) and sends a test SMS through it, creates an application with steps basic then
 * smsOTP for a second Pickup Dispatch (started with the client secret the console showed once),
 * adds a user with a mobile number, and that user logs in to it with the SMS code. Then the
 * account page: the number changed once a code to the new one verifies, new backup codes, one of
 * them used in a fresh login.
 */
class ConsoleBrowserTest {

    static final String CAROL = "carol";
    static final String CAROL_PASSWORD = "carol-password-1";
    static final String CAROL_MOBILE = "+15555550123";
    static final String CAROL_NEW_MOBILE = "+15555550124";
    static final String TEST_NUMBER = "+15555550177";
    static final String APP_NAME = "Pickup Dispatch Two";

    static Path dataDir;
    static EmbeddedDefault system;
    static FakeSmsGateway secondGateway;
    static PickupDispatchApp dispatch;

    @BeforeAll
    static void startEverything() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-console-browser-");
        // the launcher's defaults on a fresh data dir: its fake gateway, its demo app, its admin user
        system = EmbeddedDefault.start(ConfigLoader.parse("""
                # a slow first reply on a loaded machine is not what this test is about
                auth: {port: 0, replyTimeout: PT15S}
                gateway: {port: 0}
                """, Map.of()), dataDir, sms -> { }, 0);
        secondGateway = new FakeSmsGateway("127.0.0.1", 0).start();
    }

    @AfterAll
    static void stopEverything() {
        if (dispatch != null) {
            dispatch.stop();
        }
        if (secondGateway != null) {
            secondGateway.stop();
        }
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    @Test
    void theGuidesTryItOutThroughTheConsoleThenTheAccountPage() throws Exception {
        int dispatchPort = freePort();
        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(30))) {
            try {
                signInToTheConsole(browser);
                addAProviderAndSendATestSms(browser);
                String secret = createTheApplication(browser, PickupDispatchApp.redirectUriFor(dispatchPort));
                dispatch = new PickupDispatchApp(URI.create(system.issuer()), "dispatch-two", secret,
                        system.config().auth().host(), dispatchPort).start();
                addTheUser(browser);
                logInToTheApplication(browser);
                changeTheNumberOnTheAccountPage(browser);
                List<String> codes = newBackupCodes(browser);
                logInWithABackupCode(browser, codes.get(4));
                theAuditLogHoldsTheConsolesChanges(browser);
            } finally {
                browser.screenshot(Path.of("target", "screenshots", "console-try-it-out.png"));
            }
        }
        List<AuditRecord> audit = system.auth().auditTrail().list("admin:admin", 0, 50);
        assertThat(audit).extracting(AuditRecord::action)
                .contains("provider.create", "app.create", "user.create");
        assertThat(audit.toString()).doesNotContain(CAROL_MOBILE).doesNotContain(CAROL_PASSWORD);
    }

    /** As a newcomer does: with the console's address, the admin and the password the launcher printed. */
    private void signInToTheConsole(Browser browser) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Launcher.printWelcome(system, dataDir, new PrintStream(out, true, StandardCharsets.UTF_8));
        String banner = out.toString(StandardCharsets.UTF_8);
        assertThat(banner).contains("Manage it in the console: open " + system.issuer() + "/admin and sign in as");
        String mobile = printed(banner, "admin mobile");
        int before = smsTo(system.gateway(), mobile).size();
        browser.open(system.issuer() + "/admin");
        assertThat(browser.waitForText("Sign in")).contains("smsotp console");
        browser.fill("username", printed(banner, "admin user")).fill("password", printed(banner, "admin password"))
                .click("Sign in");
        browser.waitForText("Enter the code");
        browser.fill("code", nextCode(system.gateway(), mobile, before, "smsotp console")).click("Continue");
        assertThat(browser.waitForText("Changes are live on every instance")).contains("Signed in as admin");
    }

    private void addAProviderAndSendATestSms(Browser browser) {
        browser.click("Providers");
        browser.waitForText("SMS providers");
        browser.click("Add a provider");
        browser.fill("name", "second-gateway").fill("url", secondGateway.sendUrl()).choose("method", "POST")
                .fill("headers", "Content-Type: application/json")
                .fill("payload", "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\",\"id\":\"$ctx.id\"}")
                .fill("successCodes", "202").click("Add provider");
        assertThat(browser.waitForText("The provider was added")).contains("fake-gateway").contains("second-gateway");
        browser.screenshot(Path.of("target", "screenshots", "console-providers.png"));

        browser.click("#test-second-gateway");
        browser.fill("to", TEST_NUMBER).fill("text", "Hello from the smsotp console").click("Send test SMS");
        browser.waitForText("The test SMS was sent through second-gateway");
        assertThat(browser.driver().findElement(By.id("test-status")).getText()).isEqualTo("202");
        assertThat(browser.driver().findElement(By.id("test-sent")).getText()).isEqualTo("yes");
        assertThat(browser.driver().findElement(By.id("test-latency")).getText()).matches("[0-9]+ ms");
        assertThat(smsTo(secondGateway, TEST_NUMBER)).singleElement()
                .satisfies(sms -> assertThat(sms.text()).isEqualTo("Hello from the smsotp console"));
        assertThat(smsTo(system.gateway(), TEST_NUMBER)).as("only through the provider tested").isEmpty();
    }

    private String createTheApplication(Browser browser, URI redirectUri) {
        browser.click("Applications");
        browser.waitForText("Add an application");
        browser.click("Add an application");
        browser.fill("id", "dispatch-two").fill("name", APP_NAME).fill("redirectUris", redirectUri.toString())
                .choose("steps", "basic,smsOTP").choose("subjectClaim", "username")
                .check("allowUserDisable", true);
        browser.screenshot(Path.of("target", "screenshots", "console-app-form.png"));
        browser.click("Add application");
        browser.waitForText("Application dispatch-two added");
        browser.screenshot(Path.of("target", "screenshots", "console-app-created.png"));
        String secret = browser.driver().findElement(By.id("client-secret")).getText();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(16);
        assertThat(browser.driver().findElement(By.id("api-key")).getText()).hasSizeGreaterThanOrEqualTo(16);
        browser.click("Back to applications");
        assertThat(browser.waitForText("dispatch-two")).contains("basic then smsOTP").doesNotContain(secret);
        return secret;
    }

    private void addTheUser(Browser browser) {
        browser.click("Users");
        browser.waitForText("Add a user");
        browser.click("Add a user");
        browser.fill("username", CAROL).fill("password", CAROL_PASSWORD).fill("claims.mobile", CAROL_MOBILE)
                .click("Add user");
        assertThat(browser.waitForText("The user was added")).contains(CAROL).contains("+*******0123");
    }

    private void logInToTheApplication(Browser browser) {
        int before = smsTo(system.gateway(), CAROL_MOBILE).size();
        browser.open(dispatch.baseUri().toString());
        browser.waitForText("Pickup Dispatch");
        browser.click("#login");
        assertThat(browser.waitForText("Sign in")).contains(APP_NAME);
        browser.fill("username", CAROL).fill("password", CAROL_PASSWORD).click("Sign in");
        browser.waitForText("Enter the code");
        browser.fill("code", nextCode(system.gateway(), CAROL_MOBILE, before, APP_NAME)).click("Continue");
        browser.waitForText("Signed in");
        assertThat(browser.driver().findElement(By.id("sub")).getText()).isEqualTo(CAROL);
        assertThat(browser.driver().findElement(By.id("amr")).getText()).isEqualTo("pwd sms");
    }

    private void changeTheNumberOnTheAccountPage(Browser browser) {
        int before = smsTo(system.gateway(), CAROL_MOBILE).size();
        browser.open(system.issuer() + "/account");
        assertThat(browser.waitForText("Sign in")).contains("smsotp account");
        browser.fill("username", CAROL).fill("password", CAROL_PASSWORD).click("Sign in");
        browser.waitForText("Enter the code");
        browser.fill("code", nextCode(system.gateway(), CAROL_MOBILE, before, "smsotp account")).click("Continue");
        assertThat(browser.waitForText("Your account")).contains("+*******0123");

        int toNew = smsTo(system.gateway(), CAROL_NEW_MOBILE).size();
        int toOld = smsTo(system.gateway(), CAROL_MOBILE).size();
        browser.fill("mobile", CAROL_NEW_MOBILE).click("Send code");
        browser.waitForText("Confirm your new number");
        assertThat(mobileOf(CAROL)).as("not before the code").isEqualTo(CAROL_MOBILE);
        browser.fill("code", nextCode(system.gateway(), CAROL_NEW_MOBILE, toNew, "smsotp account")).click("Confirm");
        assertThat(browser.waitForText("Your mobile number is changed")).contains("+*******0124");
        assertThat(mobileOf(CAROL)).isEqualTo(CAROL_NEW_MOBILE);
        ReceivedSms told = await().atMost(Duration.ofSeconds(20))
                .until(() -> smsTo(system.gateway(), CAROL_MOBILE), l -> l.size() > toOld).get(toOld);
        assertThat(told.text()).contains("now uses the mobile number +*******0124");
    }

    private List<String> newBackupCodes(Browser browser) {
        browser.click("Generate new backup codes");
        browser.waitForText("Your new backup codes");
        List<String> codes = browser.driver().findElements(By.cssSelector("#backup-codes li")).stream()
                .map(WebElement::getText).toList();
        assertThat(codes).hasSize(10).allMatch(c -> c.matches("[0-9]{8}"));
        return codes;
    }

    private void logInWithABackupCode(Browser browser, String backupCode) {
        browser.open(dispatch.baseUri().toString());
        browser.waitForText("Signed in");
        browser.click("#logout");
        browser.waitForText("Signed out");
        int before = smsTo(system.gateway(), CAROL_NEW_MOBILE).size();
        browser.click("#login");
        browser.waitForText("Sign in");
        browser.fill("username", CAROL).fill("password", CAROL_PASSWORD).click("Sign in");
        assertThat(browser.waitForText("Enter the code")).contains("+*******0124");
        // the SMS goes to the new number; the backup code is used in its place
        nextCode(system.gateway(), CAROL_NEW_MOBILE, before, APP_NAME);
        browser.fill("code", backupCode).click("Continue");
        browser.waitForText("Signed in");
        assertThat(browser.driver().findElement(By.id("sub")).getText()).isEqualTo(CAROL);
        assertThat(browser.driver().findElement(By.id("amr")).getText()).isEqualTo("pwd otp");
        assertThat(system.auth().users().find(CAROL).orElseThrow().backupCodesLeft()).isEqualTo(9);
    }

    private void theAuditLogHoldsTheConsolesChanges(Browser browser) {
        browser.open(system.issuer() + "/admin/audit?q=admin:admin");
        String log = browser.waitForText("Audit log");
        assertThat(log).contains("provider.create").contains("provider/second-gateway").contains("app.create")
                .contains("app/dispatch-two").contains("user.create").contains("user/carol")
                .doesNotContain(CAROL_MOBILE);
        browser.screenshot(Path.of("target", "screenshots", "console-audit.png"));
    }

    /** The value the welcome text prints after {@code label}. */
    private static String printed(String banner, String label) {
        Matcher m = Pattern.compile("^\\s+" + label + "\\s+(\\S+)", Pattern.MULTILINE).matcher(banner);
        assertThat(m.find()).as("'%s' in the welcome text:%n%s", label, banner).isTrue();
        return m.group(1);
    }

    private static String mobileOf(String username) {
        return system.auth().users().find(username).orElseThrow().mobile();
    }

    private static List<ReceivedSms> smsTo(FakeSmsGateway gateway, String number) {
        return new ArrayList<>(gateway.messagesTo(number));
    }

    /** The code of the SMS after the first {@code before} ones to {@code number}, once it arrived. */
    private static String nextCode(FakeSmsGateway gateway, String number, int before, String appName) {
        ReceivedSms sms = await().atMost(Duration.ofSeconds(20)).until(() -> smsTo(gateway, number),
                l -> l.size() > before).get(before);
        Matcher m = Pattern.compile("\\b([0-9]{6}) is your " + Pattern.quote(appName) + " verification code")
                .matcher(sms.text());
        assertThat(m.find()).as("a code of %s in: %s", appName, sms.text()).isTrue();
        return m.group(1);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
