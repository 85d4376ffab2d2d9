package io.smsotp.auth.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.auth.login.CsrfTokens;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import io.smsotp.testsupport.TestKafka;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real auth-service with its login and console on port 0: the live configuration and the audit
 * log on the shared test broker (topics of its own), users in H2 in {@code dataDir}, otp-stream
 * played by {@link InMemoryWriter} (every SMS code is {@link InMemoryWriter#CODE}). {@code root}
 * has the admin role, {@code alice} none.
 */
final class ConsoleFixture implements AutoCloseable {

    static final String KEY = Base64.getEncoder().encodeToString("console-key-console-key-console-".getBytes());
    static final String ROOT_PASSWORD = "root-password-1";
    static final String ALICE_PASSWORD = "alice-password-1";
    static final String FILE_TOKEN = "Bearer file-provider-token-5e6f7a";

    final SmsOtpConfig config;
    final AuthService service;
    final String base;

    /** With the live configuration ({@code live}) or with the file's alone (no configEncryptionKey). */
    ConsoleFixture(Path dataDir, boolean live) {
        String suffix = TestKafka.uniqueSuffix();
        SmsOtpConfig c = SmsOtpConfig.defaults()
                .withKafka(new KafkaSettings(TestKafka.bootstrapServers(), 1, (short) 1)
                        .withConfigTopics("config-" + suffix, "audit-" + suffix))
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withProviders(List.of(new ProviderConfig("file-provider", "http://127.0.0.1:9/send", "POST",
                        Map.of("Authorization", FILE_TOKEN), "to=$ctx.num&text=$ctx.msg", List.of())))
                .withApps(List.of(new AppConfig("shop", "Shop", "shop-key-0123456789abcdef", null)))
                .withUsers(List.of(
                        new UserConfig("root", ROOT_PASSWORD, null,
                                new UserConfig.Claims("+15550001111", null, null, List.of("admin"))),
                        new UserConfig("alice", ALICE_PASSWORD, null,
                                new UserConfig.Claims("+15550002222", null, null, null))));
        config = live ? c.withConfigEncryptionKey(KEY) : c;
        service = AuthService.withLogin(config, new InMemoryWriter()).start();
        base = service.issuer();
    }

    /** A browser signed in to the console as {@code username} (password, then the SMS code). */
    Admin signIn(String username, String password) {
        FormBrowser browser = new FormBrowser(base);
        Page start = browser.open(URI.create(base + ApiPaths.CONSOLE));
        assertThat(start.status()).as(start.body()).isEqualTo(303);
        Page login = browser.open(URI.create(start.location()));
        Page code = browser.submit(login, ApiPaths.LOGIN_PASSWORD, Map.of("username", username, "password", password));
        assertThat(code.status()).as(code.body()).isEqualTo(200);
        Page done = browser.submit(code, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(done.status()).as(done.body()).isEqualTo(303);
        return new Admin(browser, browser.open(URI.create(done.location())));
    }

    Admin root() {
        Admin root = signIn("root", ROOT_PASSWORD);
        assertThat(root.callback().status()).as(root.callback().body()).isEqualTo(303);
        return root;
    }

    /** The audit records of {@code target} now, newest first. */
    List<AuditRecord> audit(String target) {
        return service.auditTrail().list(target, 0, 100);
    }

    /** A signed-in browser and the callback's answer. */
    final class Admin {
        final FormBrowser browser;
        private final Page callback;
        private String csrf;

        Admin(FormBrowser browser, Page callback) {
            this.browser = browser;
            this.callback = callback;
        }

        Page callback() {
            return callback;
        }

        Page get(String pathAndQuery) {
            return browser.open(URI.create(base + pathAndQuery));
        }

        /** Posts {@code fields} with the session's CSRF token, as the console's own form would. */
        Page post(String path, Map<String, String> fields) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put(CsrfTokens.FIELD_NAME, csrf());
            form.putAll(fields);
            return browser.post(path, form);
        }

        /** Posts {@code fields} as they are: no CSRF token unless among them. */
        Page postBare(String path, Map<String, String> fields) {
            return browser.post(path, fields);
        }

        String csrf() {
            if (csrf == null) {
                Page overview = get(ApiPaths.CONSOLE);
                assertThat(overview.status()).as(overview.body()).isEqualTo(200);
                csrf = overview.hidden().get(CsrfTokens.FIELD_NAME);
            }
            return csrf;
        }
    }

    /** The hidden field {@code name} of the form {@code formId} on {@code page}. */
    static String hidden(Page page, String formId, String name) {
        int at = page.body().indexOf("id=\"" + formId + "\"");
        assertThat(at).as("form %s on %s", formId, page.body()).isNotNegative();
        Matcher m = Pattern.compile("<input type=\"hidden\" name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\">")
                .matcher(page.body().substring(at));
        assertThat(m.find()).as("hidden %s in %s", name, formId).isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    @Override
    public void close() {
        service.stop();
    }
}
