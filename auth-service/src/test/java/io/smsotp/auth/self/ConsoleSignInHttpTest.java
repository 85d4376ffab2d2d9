package io.smsotp.auth.self;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's sign-in (its pages come with another change): the same mechanism, plus the admin role. */
class ConsoleSignInHttpTest {

    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dataDir;
    AuthService service;
    FormBrowser browser;
    String base;
    /** Alice with {@code roles}, read from the user store as in production. */
    void start(List<String> roles) {
        SmsOtpConfig config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withUsers(List.of(new UserConfig("alice", PASSWORD, null,
                        new UserConfig.Claims("+15551234567", false, null, roles))));
        service = AuthService.withLogin(config, new InMemoryWriter()).start();
        base = service.issuer();
        browser = new FormBrowser(base);
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    @Test
    void aUserWithoutTheAdminRoleDoesNotSignInToTheConsole() {
        start(List.of("auditor"));

        Page refused = get(signIn(ApiPaths.CONSOLE));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("does not have the admin role");
        assertThat(browser.cookie("smsotp_console_session")).isNull();
    }

    @Test
    void anAdminSignsInWithTheSmsCodeBackToThePageAskedForAndLosesTheConsoleWithTheRole() {
        start(List.of("admin"));

        Page back = get(signIn(ApiPaths.CONSOLE + "/users"));

        assertThat(back.status()).isEqualTo(303);
        assertThat(back.location()).isEqualTo(ApiPaths.CONSOLE + "/users");
        assertThat(back.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("smsotp_console_session=").contains("Path=/admin").contains("HttpOnly"));
        assertThat(get(ApiPaths.CONSOLE + "/users").status()).as("signed in: not sent to the login again")
                .isNotEqualTo(303);

        service.users().profiles().replace("alice", null, new ProfileEdit("+15551234567", false, List.of()),
                Instant.now(), change -> { });
        Page gone = get(ApiPaths.CONSOLE + "/users");

        assertThat(gone.status()).isEqualTo(403);
        assertThat(browser.cookie("smsotp_console_session")).isNull();
    }

    @Test
    void anotherRoleLookupDecidesWhenGiven() {
        SmsOtpConfig config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withUsers(List.of(new UserConfig("alice", PASSWORD, null,
                        new UserConfig.Claims("+15551234567", false, null, List.of("admin")))));
        service = AuthService.withLogin(config, new InMemoryWriter(), RoleLookup.NONE).start();
        base = service.issuer();
        browser = new FormBrowser(base);

        assertThat(get(signIn(ApiPaths.CONSOLE)).status()).isEqualTo(403);
    }

    @Test
    void theAdminApiUnderTheConsolesPathIsNotAPageOfIt() {
        start(List.of());

        Page api = get(ApiPaths.CONSOLE_API + "v1/apps");

        assertThat(api.status()).isNotEqualTo(303);
        assertThat(api.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    }

    /** Opens {@code path}, goes through the hosted login (password, SMS code) and returns the callback's URL. */
    private String signIn(String path) {
        Page start = get(path);
        assertThat(start.status()).isEqualTo(303);
        assertThat(start.location()).contains("client_id=smsotp-console");
        Page login = get(start.location());
        Page code = browser.submit(login, ApiPaths.LOGIN_PASSWORD, Map.of("username", "alice", "password", PASSWORD));
        assertThat(code.status()).as("the SMS code is asked for").isEqualTo(200);
        Page done = browser.submit(code, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).startsWith(base + ApiPaths.CONSOLE_CALLBACK);
        return done.location();
    }

    private Page get(String pathOrUrl) {
        return browser.open(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl));
    }
}
