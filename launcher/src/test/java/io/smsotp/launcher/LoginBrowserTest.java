package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.ConfigLoader;
import io.smsotp.launcher.demo.PickupDispatchApp;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.testsupport.Browser;
import io.smsotp.testsupport.TestKafka;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Point;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hosted login as a user lives it: a real headless Chromium, ordinary OIDC client
 * applications (Pickup Dispatch instances, one per way an application can be configured), and
 * the whole pipeline behind the pages (auth-service, a real broker, otp-stream, the dispatcher,
 * the fake SMS gateway the codes arrive at).
 */
class LoginBrowserTest {

    static final String SECRET = "browser-test-client-secret-0123";
    static final String ALICE_MOBILE = "+15550001001";
    static final String OLIVE_MOBILE = "+15550001002";
    static final String NORA_NEW_MOBILE = "+15550001003";
    /** The fake gateway refuses this number, as a provider that cannot deliver would. */
    static final String FAY_MOBILE = "+15550001099";
    static final Pattern CODE = Pattern.compile("\\b([0-9]{6}) is your ");

    /** client id → its app settings beyond the defaults (steps basic + smsOTP, backup codes on). */
    static final Map<String, String> CLIENTS = Map.of(
            "dispatch", "name: Dispatch",
            "quick", "name: Quick Resend, otp: {resendCooldown: PT1S, maxResends: 1}",
            "relaxed", "name: Relaxed, allowUserDisable: true",
            "strict", "name: Strict, allowUserDisable: true, smsOtpMandatory: true",
            "capture", "name: Capture, captureMobile: true, backupCodes: false");

    static Path dataDir;
    static EmbeddedDefault system;
    static final Map<String, PickupDispatchApp> apps = new java.util.HashMap<>();

    Browser browser;
    String testName;

    @BeforeAll
    static void startEverything() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-login-browser-");
        Map<String, Integer> ports = new java.util.HashMap<>();
        StringBuilder yaml = new StringBuilder("""
                auth: {port: 0}
                gateway: {port: 0, failNumbers: ['%s']}
                # these tests send many codes to one number; the limit itself is tested elsewhere
                rateLimits: {perNumber: {max: 100, window: PT10M}}
                apps:
                """.formatted(FAY_MOBILE));
        for (Map.Entry<String, String> client : CLIENTS.entrySet()) {
            int port = freePort();
            ports.put(client.getKey(), port);
            yaml.append("  - {id: ").append(client.getKey()).append(", ").append(client.getValue())
                    .append(", clientSecret: ").append(SECRET)
                    .append(", redirectUris: ['").append(PickupDispatchApp.redirectUriFor(port)).append("']}\n");
        }
        yaml.append("""
                users:
                  - {username: alice, password: alice-password-1, claims: {mobile: '%s', otp_backup_codes: '10300,21390'}}
                  - {username: olive, password: olive-password-1, claims: {mobile: '%s', disable_sms_otp: true}}
                  - {username: nora, password: nora-password-1}
                  - {username: fay, password: fay-password-1, claims: {mobile: '%s'}}
                """.formatted(ALICE_MOBILE, OLIVE_MOBILE, FAY_MOBILE));
        system = EmbeddedDefault.start(ConfigLoader.parse(yaml.toString(), Map.of()), dataDir, sms -> { });
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            apps.put(p.getKey(), new PickupDispatchApp(URI.create(system.issuer()), p.getKey(), SECRET, "127.0.0.1",
                    p.getValue()).start());
        }
    }

    @AfterAll
    static void stopEverything() {
        apps.values().forEach(PickupDispatchApp::stop);
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    @BeforeEach
    void openBrowser(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        browser = Browser.start().waitingUpTo(Duration.ofSeconds(20));
    }

    @AfterEach
    void closeBrowser() {
        browser.screenshot(Path.of("target", "screenshots", "login-" + testName + ".png"));
        browser.close();
    }

    // ---- the SMS code path -------------------------------------------------------------------

    @Test
    void theContinueButtonStaysWhereItWasWhenTheDeliveryNoticeComes() {
        int before = smsTo(ALICE_MOBILE).size();
        signIn("dispatch", "alice", "alice-password-1");
        browser.waitForText("Enter the code");
        Point atLoad = continueButtonBeforeTheDeliveryNotice();
        String code = nextCode(ALICE_MOBILE, before);

        browser.waitForText("The SMS was sent.");

        // a button that moves as the user reaches for it takes a click meant for it somewhere else
        assertThat(continueButton()).isEqualTo(atLoad);
        browser.fill("code", code).click("Continue");
        assertSignedIn("alice", "pwd sms");
    }

    @Test
    void smsCodeFromThePipelineLogsInAndTheApplicationSeesPwdAndSms() {
        int before = smsTo(ALICE_MOBILE).size();
        signIn("dispatch", "alice", "alice-password-1");
        String page = browser.waitForText("Enter the code");
        assertThat(page).contains("+*******1001").doesNotContain(ALICE_MOBILE)
                .contains("A backup code works in the same field")
                .contains("You can ask for a new code in");

        browser.fill("code", nextCode(ALICE_MOBILE, before)).click("Continue");

        assertSignedIn("alice", "pwd sms");
    }

    @Test
    void aWrongCodeSaysSoAndTheRightCodeThenLogsIn() {
        int before = smsTo(ALICE_MOBILE).size();
        signIn("dispatch", "alice", "alice-password-1");
        browser.waitForText("Enter the code");
        String code = nextCode(ALICE_MOBILE, before);

        browser.fill("code", wrong(code)).click("Continue");
        assertThat(browser.waitForText("That code is not right")).contains("4 attempts left");

        browser.fill("code", code).click("Continue");
        assertSignedIn("alice", "pwd sms");
    }

    @Test
    void resendSendsANewCodeAndOnlyTheNewOneWorks() {
        int before = smsTo(ALICE_MOBILE).size();
        signIn("quick", "alice", "alice-password-1");
        browser.waitForText("Enter the code");
        String first = nextCode(ALICE_MOBILE, before);

        // the cooldown is a second here; the page's script enables Resend when it is over
        clickResendWhenEnabled();
        browser.waitForText("We sent a new code");
        String second = nextCode(ALICE_MOBILE, before + 1);
        assertThat(smsTo(ALICE_MOBILE)).hasSize(before + 2);

        if (!second.equals(first)) {
            browser.fill("code", first).click("Continue");
            browser.waitForText("That code is not right");
        }
        browser.fill("code", second).click("Continue");
        assertSignedIn("alice", "pwd sms");
    }

    @Test
    void resendInsideTheCooldownIsRefusedWithTheSecondsLeft() {
        signIn("dispatch", "alice", "alice-password-1");
        assertThat(browser.waitForText("Enter the code")).contains("You can ask for a new code in");
        // the page's script keeps Resend disabled for the cooldown; a user without script can still press it
        ((org.openqa.selenium.JavascriptExecutor) browser.driver())
                .executeScript("document.getElementById('resend').disabled = false;");
        browser.click("Resend");
        assertThat(browser.waitForText("before asking for another code")).containsPattern("Please wait [0-9]+ s");
    }

    @Test
    void resendStopsAtTheApplicationsLimit() {
        int before = smsTo(ALICE_MOBILE).size();
        signIn("quick", "alice", "alice-password-1");
        browser.waitForText("Enter the code");
        nextCode(ALICE_MOBILE, before);
        clickResendWhenEnabled();
        browser.waitForText("We sent a new code");
        nextCode(ALICE_MOBILE, before + 1);

        assertThat(browser.driver().findElements(By.id("resend"))).as("no Resend once none are left").isEmpty();
    }

    @Test
    void anSmsThatCannotBeSentIsShownOnTheCodePageWithResend() {
        signIn("dispatch", "fay", "fay-password-1");
        browser.waitForText("Enter the code");
        Point atLoad = continueButtonBeforeTheDeliveryNotice();
        // the page watches the delivery; the gateway refuses this number
        browser.waitForText("The SMS could not be sent.");
        assertThat(browser.waitForText("Use Resend to try again.")).doesNotContain("You can ask for a new code in");
        assertThat(continueButton()).as("the Continue button where it was before the failure was shown")
                .isEqualTo(atLoad);
        // a failed SMS may be sent again at once, without waiting for the cooldown
        clickResendWhenEnabled();
        assertThat(browser.waitForText("We sent a new code")).contains("+*******1099");
    }

    // ---- backup codes ------------------------------------------------------------------------

    @Test
    void aBackupCodeLogsInWithAmrOtpOnceAndIsRefusedTheSecondTime() {
        signIn("dispatch", "alice", "alice-password-1");
        browser.waitForText("Enter the code");
        browser.fill("code", "21390").click("Continue");
        assertSignedIn("alice", "pwd otp");

        browser.click("#logout");
        browser.waitForText("Signed out");
        signIn("dispatch", "alice", "alice-password-1");
        browser.waitForText("Enter the code");
        browser.fill("code", "21390").click("Continue");
        assertThat(browser.waitForText("That code is not right")).contains("attempts left");
    }

    // ---- users who turned SMS OTP off --------------------------------------------------------

    @Test
    void anOptedOutUserSkipsTheCodeWhereTheApplicationAllowsIt() {
        int before = smsTo(OLIVE_MOBILE).size();
        signIn("relaxed", "olive", "olive-password-1");
        assertSignedIn("olive", "pwd");
        assertThat(smsTo(OLIVE_MOBILE)).hasSize(before);
    }

    @Test
    void anOptedOutUserStillGetsACodeWhereTheApplicationDoesNotAllowOptingOut() {
        int before = smsTo(OLIVE_MOBILE).size();
        signIn("dispatch", "olive", "olive-password-1");
        browser.waitForText("Enter the code");
        browser.fill("code", nextCode(OLIVE_MOBILE, before)).click("Continue");
        assertSignedIn("olive", "pwd sms");
    }

    @Test
    void anOptedOutUserGetsAnErrorPageWhereSmsOtpIsMandatory() {
        signIn("strict", "olive", "olive-password-1");
        String page = browser.waitForText("SMS verification is required");
        assertThat(page).contains("SMS codes are turned off for your account");
        // and the way back tells the application the login was refused
        browser.click("#return");
        assertThat(browser.waitForText("access_denied")).contains("access_denied");
    }

    // ---- users without a mobile number ---------------------------------------------------------

    @Test
    void aUserWithoutANumberIsAskedForOneAndItIsSavedOnlyAfterItsCodeVerifies() {
        signIn("capture", "nora", "nora-password-1");
        browser.waitForText("Add your mobile number");
        browser.fill("mobile", "not a number").click("Send code");
        browser.waitForText("That is not a mobile number we can send to");
        int before = smsTo(NORA_NEW_MOBILE).size();
        browser.fill("mobile", "+1 555 000 1003").click("Send code");
        assertThat(browser.waitForText("Enter the code")).contains("+*******1003");
        assertThat(system.auth().users().find("nora").orElseThrow().mobile())
                .as("not saved before the code verifies").isNull();

        browser.fill("code", nextCode(NORA_NEW_MOBILE, before)).click("Continue");
        assertSignedIn("nora", "pwd sms");
        assertThat(system.auth().users().find("nora").orElseThrow().mobile()).isEqualTo(NORA_NEW_MOBILE);
    }

    @Test
    void aUserWithoutANumberGetsAnErrorPageWhereTheApplicationDoesNotCaptureOne() {
        signIn("dispatch", "nobody-with-number", "whatever-password");
        browser.waitForText("Incorrect username or password");
        // a user who has no number (a fresh one, so the capture test cannot have given her one)
        system.auth().users().upsert(new io.smsotp.config.UserConfig("nomobile", "nomobile-password-1", null,
                io.smsotp.config.UserConfig.Claims.NONE));
        browser.fill("username", "nomobile").fill("password", "nomobile-password-1").click("Sign in");
        assertThat(browser.waitForText("No mobile number")).contains("no mobile number on your profile");
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Opens the client's home page, presses Log in, and submits the password page. */
    private void signIn(String client, String username, String password) {
        browser.open(apps.get(client).baseUri().toString());
        browser.click("#login");
        browser.waitForText("Sign in");
        browser.fill("username", username).fill("password", password).click("Sign in");
    }

    /** Where the code page's Continue button is, read while the delivery notice is still empty. */
    private Point continueButtonBeforeTheDeliveryNotice() {
        Point atLoad = continueButton();
        assertThat(browser.driver().findElement(By.id("delivery")).getText())
                .as("the page asks for the delivery a second after it loads").isEmpty();
        return atLoad;
    }

    private Point continueButton() {
        return browser.driver().findElement(By.xpath("//button[normalize-space()='Continue']")).getLocation();
    }

    private void clickResendWhenEnabled() {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(ExpectedConditions.elementToBeClickable(By.id("resend")));
        browser.click("Resend");
    }

    private void assertSignedIn(String sub, String amr) {
        String page = browser.waitForText("Signed in");
        // read from the page text rather than elements, which a late redirect could replace
        assertThat(page).containsPattern("\\(sub\\)\\s+" + Pattern.quote(sub) + "\\R")
                .containsPattern("\\(amr\\)\\s+" + Pattern.quote(amr) + "\\R");
    }

    private static List<ReceivedSms> smsTo(String number) {
        return new ArrayList<>(system.gateway().messagesTo(number));
    }

    /** The code of the SMS after the first {@code before} ones to {@code number}, once it arrived. */
    private static String nextCode(String number, int before) {
        ReceivedSms sms = await().atMost(Duration.ofSeconds(20)).until(() -> smsTo(number), l -> l.size() > before)
                .get(before);
        Matcher m = CODE.matcher(sms.text());
        assertThat(m.find()).as("a code in the SMS").isTrue();
        return m.group(1);
    }

    private static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
