package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.config.ConfigLoader;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.testsupport.Browser;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import io.smsotp.testsupport.TestKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The account page as a user lives it, in a real headless Chromium, with the whole pipeline behind
 * it (auth-service, a real broker, otp-stream, the dispatcher, the fake SMS gateway the codes and
 * notices arrive at): signed in with the password and the SMS code, the number changed only after
 * the code sent to the new one, the old number told, SMS codes off and on, new backup codes, one of
 * them used in a fresh sign-in, the sign-ins listed, every change in the audit log.
 */
class AccountBrowserTest {

    static final String ALICE_MOBILE = "+15550003001";
    static final String ALICE_NEW_MOBILE = "+15550003002";
    static final String BOB_MOBILE = "+15550003011";
    static final String BOB_NEW_MOBILE = "+15550003012";
    static final Pattern CODE = Pattern.compile("\\b([0-9]{6}) is your smsotp account verification code");

    static Path dataDir;
    static EmbeddedDefault system;

    @BeforeAll
    static void startEverything() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-account-browser-");
        system = EmbeddedDefault.start(ConfigLoader.parse("""
                # a slow first reply on a loaded machine is not what these tests are about
                auth: {port: 0, replyTimeout: PT15S}
                gateway: {port: 0}
                apps:
                  - {id: portal, name: Portal, clientSecret: account-test-secret-0123,
                     redirectUris: ['http://127.0.0.1:9/portal/cb'], allowUserDisable: true}
                users:
                  - {username: alice, password: alice-password-1, claims: {mobile: '%s'}}
                  - {username: bob, password: bob-password-1, claims: {mobile: '%s'}}
                """.formatted(ALICE_MOBILE, BOB_MOBILE), Map.of()), dataDir, sms -> { });
    }

    @AfterAll
    static void stopEverything() {
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    @Test
    void aUserManagesTheirSecondFactorOnTheAccountPage() {
        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(30))) {
            try {
                accountFlow(browser);
            } finally {
                browser.screenshot(Path.of("target", "screenshots", "account-page.png"));
            }
        }
        List<AuditRecord> audit = await().atMost(Duration.ofSeconds(10))
                .until(() -> system.auth().auditTrail().list("user/alice", 0, 50), l -> l.size() >= 4);
        assertThat(audit).extracting(AuditRecord::action).containsExactly("user.backupCodes",
                "user.smsOtp.enable", "user.smsOtp.disable", "user.mobile.change");
        assertThat(audit).allSatisfy(r -> {
            assertThat(r.actor()).isEqualTo("user:alice");
            assertThat(r.target()).isEqualTo("user/alice");
        });
        AuditRecord change = audit.get(3);
        assertThat(change.before().path("claims").path("mobile").asText()).isEqualTo("+*******3001");
        assertThat(change.after().path("claims").path("mobile").asText()).isEqualTo("+*******3002");
        assertThat(audit.get(0).after().path("backupCodesLeft").asInt()).isEqualTo(10);
        assertThat(audit.toString()).doesNotContain(ALICE_MOBILE).doesNotContain(ALICE_NEW_MOBILE);
    }

    private void accountFlow(Browser browser) {
        // signing in: the hosted login, as the account page's own client, password then SMS code
        int before = smsTo(ALICE_MOBILE).size();
        browser.open(system.issuer() + "/account");
        assertThat(browser.waitForText("Sign in")).contains("smsotp account");
        browser.fill("username", "alice").fill("password", "alice-password-1").click("Sign in");
        browser.waitForText("Enter the code");
        browser.fill("code", nextCode(ALICE_MOBILE, before)).click("Continue");
        String page = browser.waitForText("Your account");
        assertThat(page).contains("Signed in as alice").contains("+*******3001").doesNotContain(ALICE_MOBILE)
                .containsPattern("Recent sign-ins\\s+When\\s+Application\\s+From\\s+[0-9-]+ [0-9:]+ UTC "
                        + "smsotp account 127\\.0\\.0\\.1");

        // a new number: a code goes to it; a wrong one changes nothing, the right one saves it
        int toNew = smsTo(ALICE_NEW_MOBILE).size();
        int toOld = smsTo(ALICE_MOBILE).size();
        browser.fill("mobile", "+1 555 000 3002").click("Send code");
        assertThat(browser.waitForText("Confirm your new number")).contains("+*******3002");
        String code = nextCode(ALICE_NEW_MOBILE, toNew);
        browser.fill("code", wrong(code)).click("Confirm");
        assertThat(browser.waitForText("That code is not right")).contains("4 attempts left");
        assertThat(mobileOf("alice")).isEqualTo(ALICE_MOBILE);
        browser.fill("code", code).click("Confirm");
        assertThat(browser.waitForText("Your mobile number is changed")).contains("+*******3002");
        assertThat(mobileOf("alice")).isEqualTo(ALICE_NEW_MOBILE);
        ReceivedSms notice = await().atMost(Duration.ofSeconds(20)).until(() -> smsTo(ALICE_MOBILE),
                l -> l.size() > toOld).get(toOld);
        assertThat(notice.text()).isEqualTo("Your smsotp account alice now uses the mobile number +*******3002. "
                + "If you did not change it, contact your administrator.");

        // SMS codes off (Portal allows it, and the page says so), then back on
        assertThat(browser.text()).contains("Turned off, Portal would sign you in with your password alone");
        browser.click("Turn SMS codes off");
        browser.waitForText("SMS codes are off.");
        assertThat(system.auth().users().find("alice").orElseThrow().disableSmsOtp()).isTrue();
        browser.click("Turn SMS codes back on");
        browser.waitForText("SMS codes are on.");
        assertThat(system.auth().users().find("alice").orElseThrow().disableSmsOtp()).isFalse();

        // new backup codes, shown once
        browser.click("Generate new backup codes");
        browser.waitForText("Your new backup codes");
        List<String> codes = browser.driver().findElements(By.cssSelector("#backup-codes li")).stream()
                .map(WebElement::getText).toList();
        assertThat(codes).hasSize(10).allMatch(c -> c.matches("[0-9]{8}")).doesNotHaveDuplicates();
        browser.click("Back to your account");
        assertThat(browser.waitForText("Your account")).contains("You have 10 unused backup codes")
                .doesNotContain(codes.get(0));

        // signed out; in again with a backup code in place of the code sent to the new number
        browser.click("Sign out");
        browser.waitForText("You are signed out");
        int newBefore = smsTo(ALICE_NEW_MOBILE).size();
        browser.click("Sign in again");
        browser.waitForText("Sign in");
        browser.fill("username", "alice").fill("password", "alice-password-1").click("Sign in");
        assertThat(browser.waitForText("Enter the code")).contains("+*******3002");
        nextCode(ALICE_NEW_MOBILE, newBefore);
        browser.fill("code", codes.get(7)).click("Continue");
        page = browser.waitForText("Your account");
        assertThat(page).contains("You have 9 unused backup codes");
        Matcher rows = Pattern.compile("UTC smsotp account 127\\.0\\.0\\.1").matcher(page);
        int signIns = 0;
        while (rows.find()) {
            signIns++;
        }
        assertThat(signIns).as("both sign-ins listed").isEqualTo(2);
    }

    @Test
    void twoConfirmationsOfOneChangeSentAtOnceSaveTheNumberOnceAndTellTheOldNumberOnce() throws Exception {
        FormBrowser forms = new FormBrowser(system.issuer());
        int before = smsTo(BOB_MOBILE).size();
        Page start = forms.open(URI.create(system.issuer() + "/account"));
        Page login = forms.open(URI.create(start.location()));
        Page codePage = forms.submit(login, "/login/password", Map.of("username", "bob", "password", "bob-password-1"));
        assertThat(codePage.status()).as(codePage.body()).isEqualTo(200);
        Page back = forms.submit(codePage, "/login/otp", Map.of("code", nextCode(BOB_MOBILE, before),
                "action", "continue"));
        assertThat(back.status()).as(back.body()).isEqualTo(303);
        forms.open(URI.create(back.location()));
        Page account = forms.open(URI.create(system.issuer() + "/account"));
        assertThat(account.status()).as(account.body()).isEqualTo(200);
        int toNew = smsTo(BOB_NEW_MOBILE).size();
        Page confirm = forms.submit(account, "/account/mobile", Map.of("mobile", BOB_NEW_MOBILE));
        assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
        String code = nextCode(BOB_NEW_MOBILE, toNew);
        int toOld = smsTo(BOB_MOBILE).size();

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Page>> answers = new ArrayList<>();
        Callable<Page> post = () -> {
            go.await();
            return forms.submit(confirm, "/account/mobile/confirm", Map.of("code", code));
        };
        answers.add(pool.submit(post));
        answers.add(pool.submit(post));
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Page> f : answers) {
            statuses.add(f.get().status());
        }
        pool.shutdown();

        assertThat(statuses).containsExactlyInAnyOrder(303, 400);
        assertThat(mobileOf("bob")).isEqualTo(BOB_NEW_MOBILE);
        await().atMost(Duration.ofSeconds(20)).until(() -> smsTo(BOB_MOBILE).size() > toOld);
        assertThat(system.auth().auditTrail().list("user/bob", 0, 50)).extracting(AuditRecord::action)
                .containsExactly("user.mobile.change");
        // a second notice would have come by now: the first came through the same pipeline
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> smsTo(BOB_MOBILE).size() == toOld + 1);
    }

    private static String mobileOf(String username) {
        return system.auth().users().find(username).orElseThrow().mobile();
    }

    private static List<ReceivedSms> smsTo(String number) {
        return new ArrayList<>(system.gateway().messagesTo(number));
    }

    /** The code of the SMS after the first {@code before} ones to {@code number}, once it arrived. */
    private static String nextCode(String number, int before) {
        ReceivedSms sms = await().atMost(Duration.ofSeconds(20)).until(() -> smsTo(number), l -> l.size() > before)
                .get(before);
        Matcher m = CODE.matcher(sms.text());
        assertThat(m.find()).as("a code in: %s", sms.text()).isTrue();
        return m.group(1);
    }

    private static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }
}
