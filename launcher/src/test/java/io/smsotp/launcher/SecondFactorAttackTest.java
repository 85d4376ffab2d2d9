package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.login.BrowserBinding;
import io.smsotp.auth.users.AuditEntry;
import io.smsotp.config.ConfigLoader;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import io.smsotp.testsupport.TestKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacker who already has a user's password, against the whole pipeline (auth-service, a
 * real broker, otp-stream, the dispatcher, the fake SMS gateway): each test is one way around the
 * second factor or around a limit that a security review found, and shows it closed.
 *
 * <p>auth-service sits behind a "proxy" here (connections from 127.0.0.0/8 are trusted proxies),
 * so each test speaks from an address of its own through {@code X-Forwarded-For} and the
 * per-address limits of one test do not touch another's.
 */
class SecondFactorAttackTest {

    static final String SECRET = "attack-test-client-secret-0123";
    static final URI CALLBACK = URI.create("http://localhost:9999/cb");
    static final Pattern CODE = Pattern.compile("\\b([0-9]{6}) is your ");
    static final String PASSWORD = "the-right-password-1";

    static Path dataDir;
    static EmbeddedDefault system;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-attack-");
        String app = ", clientSecret: " + SECRET + ", redirectUris: ['" + CALLBACK + "']";
        system = EmbeddedDefault.start(ConfigLoader.parse("""
                auth:
                  port: 0
                  trustedProxies: ['127.0.0.0/8', '::1']
                  lockout: {maxFailures: 10, baseDuration: PT5M}
                  failedPasswordsPerIp: {max: 30, window: PT10M}
                gateway: {port: 0}
                rateLimits: {perIp: {max: 3, window: PT10M}, perNumber: {max: 50, window: PT10M}}
                apps:
                  - {id: portal, name: Portal, otp: {maxAttempts: 5}%1$s}
                  - {id: capture, name: Capture, captureMobile: true%1$s}
                  - {id: bymobile, name: By Mobile, subjectClaim: mobile%1$s}
                users:
                  - {username: replay, password: %2$s, claims: {mobile: '+15550002001', otp_backup_codes: '11112222,33334444'}}
                  - {username: parallel, password: %2$s, claims: {mobile: '+15550002002'}}
                  - {username: guessed, password: %2$s, claims: {mobile: '+15550002003'}}
                  - {username: spoofer, password: %2$s, claims: {mobile: '+15550002004'}}
                  - {username: thrower, password: %2$s, claims: {mobile: '+15550002005'}}
                  - {username: newcomer, password: %2$s}
                  - {username: twin1, password: %2$s, claims: {mobile: '+15550002099'}}
                  - {username: twin2, password: %2$s, claims: {mobile: '+15550002099'}}
                """.formatted(app, PASSWORD), Map.of()), dataDir, sms -> { });
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    // ---- finding 1: the code step after the challenge has ended ----------------------------------

    @Test
    void cancelThenReplayWithThirtyWrongBackupCodesThenTheRightOneIsRefused() {
        FormBrowser browser = browserFrom("198.51.100.1");
        Page codePage = toCodePage(browser, "portal", "replay");
        // the attacker keeps the binding cookie that Cancel clears
        FormBrowser kept = browserFrom("198.51.100.1").withHeader("Cookie", BrowserBinding.COOKIE_NAME + "="
                + browser.cookie(BrowserBinding.COOKIE_NAME));

        Page canceled = browser.submit(codePage, ApiPaths.LOGIN_CANCEL, Map.of());
        assertThat(canceled.status()).isEqualTo(303);
        assertThat(canceled.location()).contains("error=access_denied");

        for (int i = 0; i < 30; i++) {
            Page guess = kept.submit(codePage, ApiPaths.LOGIN_OTP, Map.of("code", "5555" + (1000 + i),
                    "action", "continue"));
            assertThat(guess.status()).as("guess %d", i).isIn(400, 403);
            assertThat(guess.location()).isNull();
        }
        Page right = kept.submit(codePage, ApiPaths.LOGIN_OTP, Map.of("code", "11112222", "action", "continue"));

        assertThat(right.status()).isIn(400, 403);
        assertThat(right.location()).as("never back at the client with a code").isNull();
        assertThat(system.auth().users().find("replay").orElseThrow().backupCodesLeft())
                .as("the right backup code was not even looked at").isEqualTo(2);
        Page fresh = password(browserFrom("198.51.100.1"), "portal", "replay", PASSWORD);
        assertThat(fresh.status()).isEqualTo(403);
        assertThat(fresh.notice()).as("the replayed guesses counted: the account is locked")
                .startsWith("This account is locked");
    }

    @Test
    void twentyParallelWrongCodesLockTheAccount() throws Exception {
        FormBrowser browser = browserFrom("198.51.100.2");
        Page codePage = toCodePage(browser, "portal", "parallel");
        String real = lastCode("+15550002002");

        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Page>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String wrong = String.format("%06d", (Integer.parseInt(real) + 1 + i) % 1_000_000);
                answers.add(pool.submit(() -> {
                    go.await();
                    return browser.submit(codePage, ApiPaths.LOGIN_OTP, Map.of("code", wrong, "action", "continue"));
                }));
            }
            go.countDown();
            for (Future<Page> answer : answers) {
                assertThat(answer.get().location()).isNull();
            }
        } finally {
            pool.shutdownNow();
        }

        Page fresh = password(browserFrom("198.51.100.2"), "portal", "parallel", PASSWORD);
        assertThat(fresh.status()).isEqualTo(403);
        assertThat(fresh.notice()).startsWith("This account is locked");
    }

    // ---- finding 2: passwords --------------------------------------------------------------------

    @Test
    void fortyWrongPasswordsLockTheAccountAndWhileLockedRightAndWrongGetTheSameAnswer() {
        int smsBefore = system.gateway().messagesTo("+15550002003").size();
        for (int i = 0; i < 40; i++) {
            // from many addresses, as a botnet would: the account's count is what stops it
            Page wrong = password(browserFrom("203.0.113." + (i + 1)), "portal", "guessed", "guess-" + i);
            assertThat(wrong.status()).as("guess %d", i).isIn(401, 403);
        }

        Page right = password(browserFrom("192.0.2.10"), "portal", "guessed", PASSWORD);
        Page wrong = password(browserFrom("192.0.2.11"), "portal", "guessed", "yet-another-guess");
        assertThat(right.status()).isEqualTo(wrong.status()).isEqualTo(403);
        assertThat(right.notice()).isEqualTo(wrong.notice()).startsWith("This account is locked");
        assertThat(right.body()).doesNotContain("otp-form");
        assertThat(system.gateway().messagesTo("+15550002003")).as("no step 2 while locked").hasSize(smsBefore);

        // an unknown name locks the same way: a lock says nothing about which names exist
        for (int i = 0; i < 10; i++) {
            password(browserFrom("192.0.2.20"), "portal", "no-such-user", "guess-" + i);
        }
        Page unknown = password(browserFrom("192.0.2.21"), "portal", "no-such-user", "guess");
        assertThat(unknown.status()).isEqualTo(right.status());
        assertThat(unknown.notice()).isEqualTo(right.notice());
    }

    @Test
    void failedPasswordsFromOneAddressAreThrottledAcrossAccounts() {
        for (int i = 0; i < 30; i++) {
            Page wrong = password(browserFrom("198.51.100.5"), "portal", "sprayed-" + i, "guess");
            assertThat(wrong.status()).as("guess %d", i).isEqualTo(401);
        }
        Page right = password(browserFrom("198.51.100.5"), "portal", "thrower", PASSWORD);

        assertThat(right.status()).isEqualTo(429);
        assertThat(right.notice()).startsWith("Too many failed sign-ins came from your network.");
        assertThat(password(browserFrom("198.51.100.55"), "portal", "thrower", PASSWORD).status())
                .as("another address is not held up").isEqualTo(200);
    }

    // ---- finding 3: the client IP behind a proxy ---------------------------------------------

    @Test
    void aSpoofedFirstForwardedForEntryGetsNoFreshPerIpBudget() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // the client writes the first entry; the proxy appends the address it saw
            FormBrowser browser = new FormBrowser(system.authUrl())
                    .withHeader("X-Forwarded-For", "10.9.8." + i + ", 198.51.100.77");
            statuses.add(password(browser, "portal", "spoofer", PASSWORD).status());
        }

        assertThat(statuses).as("perIp max 3: the fourth send from 198.51.100.77 is refused")
                .containsExactly(200, 200, 200, 429);
    }

    // ---- finding 9: mobile capture -------------------------------------------------------------

    @Test
    void aNumberCapturedThroughOneAppIsNotASecondFactorForAnAppWithoutCapture() {
        FormBrowser browser = browserFrom("198.51.100.9");
        Page mobilePage = password(browser, "capture", "newcomer", PASSWORD);
        assertThat(mobilePage.body()).contains("mobile-form");
        Page codePage = browser.submit(mobilePage, ApiPaths.LOGIN_MOBILE, Map.of("mobile", "+15550002009"));
        assertThat(codePage.status()).as(codePage.body()).isEqualTo(200);
        Page done = browser.submit(codePage, ApiPaths.LOGIN_OTP, Map.of("code", lastCode("+15550002009"),
                "action", "continue"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(system.auth().users().audit(20)).extracting(AuditEntry::action, AuditEntry::subject)
                .contains(org.assertj.core.groups.Tuple.tuple("mobile.captured", "newcomer"));

        Page elsewhere = password(browserFrom("198.51.100.9"), "portal", "newcomer", PASSWORD);
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.body()).contains("No mobile number").doesNotContain("otp-form");

        system.auth().users().confirmMobile("newcomer", "operator", Instant.now());
        assertThat(password(browserFrom("198.51.100.9"), "portal", "newcomer", PASSWORD).body())
                .as("once the operator confirms it, every app uses it").contains("otp-form");
    }

    @Test
    void anAppThatNamesUsersByMobileRefusesANumberTwoUsersShare() {
        FormBrowser browser = browserFrom("198.51.100.10");
        Page codePage = toCodePage(browser, "bymobile", "twin1");
        Page refused = browser.submit(codePage, ApiPaths.LOGIN_OTP, Map.of("code", lastCode("+15550002099"),
                "action", "continue"));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.location()).as("no code issued").isNull();
        assertThat(refused.body()).contains("another account has the same number");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static FormBrowser browserFrom(String clientIp) {
        return new FormBrowser(system.authUrl()).withHeader("X-Forwarded-For", clientIp);
    }

    private static Page password(FormBrowser browser, String client, String username, String password) {
        Page start = browser.open(authorize(client));
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        return browser.submit(start, ApiPaths.LOGIN_PASSWORD, Map.of("username", username, "password", password));
    }

    private static Page toCodePage(FormBrowser browser, String client, String username) {
        Page page = password(browser, client, username, PASSWORD);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("otp-form");
        return page;
    }

    private static URI authorize(String client) {
        return new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"), new ClientID(client),
                CALLBACK).endpointURI(URI.create(system.authUrl() + ApiPaths.AUTHORIZE)).state(new State())
                .nonce(new Nonce()).codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).build().toURI();
    }

    private static String lastCode(String to) {
        List<ReceivedSms> messages = await().atMost(Duration.ofSeconds(30))
                .until(() -> system.gateway().messagesTo(to), l -> !l.isEmpty());
        Matcher m = CODE.matcher(messages.get(messages.size() - 1).text());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
