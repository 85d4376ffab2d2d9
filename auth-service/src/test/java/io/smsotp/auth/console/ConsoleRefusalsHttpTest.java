package io.smsotp.auth.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.ProviderTester;
import io.smsotp.auth.console.ConsoleFixture.Admin;
import io.smsotp.auth.login.CsrfTokens;
import io.smsotp.config.ProviderConfig;
import io.smsotp.testsupport.FormBrowser.Page;
import io.smsotp.testsupport.FormBrowser;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console refuses, over real HTTP on the real service: no session, no admin role, a form
 * without its CSRF token, a bad field, a name taken, a stale form. Each refusal changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleRefusalsHttpTest {

    ConsoleFixture console;
    Admin root;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        console = new ConsoleFixture(dataDir, true);
        root = console.root();
    }

    @AfterAll
    void stop() {
        console.close();
    }

    static Map<String, String> provider(String name, String url) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("url", url);
        f.put("method", "POST");
        f.put("headers", "Authorization: Bearer secret-of-" + name);
        f.put("payload", "to=$ctx.num&text=$ctx.msg");
        return f;
    }

    private List<String> providers() {
        return console.service.liveConfig().providers().stream().map(ProviderConfig::name).toList();
    }

    @Test
    void withoutASessionEveryPageAndFormSendsTheBrowserToTheConsolesSignIn() {
        FormBrowser stranger = new FormBrowser(console.base);

        Page page = stranger.open(URI.create(console.base + ApiPaths.CONSOLE_PROVIDERS));
        Page form = stranger.post(ApiPaths.CONSOLE_PROVIDER_NEW, provider("by-stranger", "http://127.0.0.1:9/x"));

        for (Page p : List.of(page, form)) {
            assertThat(p.status()).isEqualTo(303);
            assertThat(p.location()).startsWith(console.base + ApiPaths.AUTHORIZE).contains("client_id=smsotp-console");
        }
        assertThat(providers()).doesNotContain("by-stranger");
        assertThat(console.audit("provider/by-stranger")).isEmpty();
    }

    @Test
    void aUserWithoutTheAdminRoleGetsTheAccessDeniedPageAndNoSession() {
        Admin alice = console.signIn("alice", ConsoleFixture.ALICE_PASSWORD);

        assertThat(alice.callback().status()).isEqualTo(403);
        assertThat(alice.callback().body()).contains("Access denied").contains("admin role");
        assertThat(alice.callback().headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(alice.browser.cookie("smsotp_console_session")).isNull();
        assertThat(alice.get(ApiPaths.CONSOLE_USERS).status()).as("still no way in").isEqualTo(303);
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing() {
        Page none = root.postBare(ApiPaths.CONSOLE_PROVIDER_NEW, provider("no-token", "http://127.0.0.1:9/x"));
        Map<String, String> wrong = new LinkedHashMap<>(provider("wrong-token", "http://127.0.0.1:9/x"));
        wrong.put(CsrfTokens.FIELD_NAME, root.csrf().substring(1) + "A");
        Page forged = root.postBare(ApiPaths.CONSOLE_PROVIDER_NEW, wrong);
        Page delete = root.postBare(ApiPaths.CONSOLE_PROVIDER_DELETE, Map.of("name", "file-provider", "version", "1",
                CsrfTokens.FIELD_NAME, ""));

        for (Page p : List.of(none, forged, delete)) {
            assertThat(p.status()).isEqualTo(403);
            assertThat(p.body()).contains("The form could not be checked");
        }
        assertThat(providers()).contains("file-provider").doesNotContain("no-token", "wrong-token");
        assertThat(console.audit("provider/no-token")).isEmpty();
        assertThat(console.audit("provider/wrong-token")).isEmpty();
        assertThat(console.audit("provider.delete")).isEmpty();
    }

    @Test
    void aBadProviderFieldShowsTheFormAgainWithTheFieldNamedAndMarkedAndChangesNothing() {
        Page refused = root.post(ApiPaths.CONSOLE_PROVIDER_NEW, provider("bad-url", "ftp://127.0.0.1/x"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"form-error\"").contains("(field <code>url</code>)")
                .contains("id=\"f-url\" name=\"url\" value=\"ftp://127.0.0.1/x\" aria-invalid=\"true\"")
                .as("what was typed is kept").contains("value=\"bad-url\"")
                .contains("Authorization: Bearer secret-of-bad-url");
        assertThat(providers()).doesNotContain("bad-url");
        assertThat(console.audit("provider/bad-url")).isEmpty();
    }

    @Test
    void aFieldTheFormCannotReadIsRefusedLikeAnyOther() {
        Map<String, String> f = provider("bad-header", "http://127.0.0.1:9/x");
        f.put("headers", "Authorization Bearer no-colon");
        Page header = root.post(ApiPaths.CONSOLE_PROVIDER_NEW, f);
        f = provider("bad-codes", "http://127.0.0.1:9/x");
        f.put("successCodes", "200, two hundred");
        Page codes = root.post(ApiPaths.CONSOLE_PROVIDER_NEW, f);

        assertThat(header.status()).isEqualTo(400);
        assertThat(header.body()).contains("headers: line 1 must be").contains("id=\"f-headers\" name=\"headers\" "
                + "rows=\"3\" aria-invalid=\"true\"");
        assertThat(codes.status()).isEqualTo(400);
        assertThat(codes.body()).contains("(field <code>successCodes</code>)");
        assertThat(providers()).doesNotContain("bad-header", "bad-codes");
    }

    @Test
    void aBadApplicationFieldNamesTheOtpPolicysFieldAndChangesNothing() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", "short-codes");
        f.put("redirectUris", "https://app.example/cb");
        f.put("steps", "basic,smsOTP");
        f.put("subjectClaim", "username");
        f.put("otp.length", "3");

        Page refused = root.post(ApiPaths.CONSOLE_APP_NEW, f);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("length must be 4..10").contains("(field <code>otp.length</code>)")
                .contains("name=\"otp.length\" value=\"3\" inputmode=\"numeric\" aria-invalid=\"true\"");
        assertThat(console.service.liveConfig().app("short-codes")).isEmpty();
    }

    @Test
    void anApplicationIdOfSmsotpsOwnIsRefused() {
        Page refused = root.post(ApiPaths.CONSOLE_APP_NEW, Map.of("id", "smsotp-extra", "redirectUris",
                "https://app.example/cb", "steps", "basic,smsOTP"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("(field <code>id</code>)").contains("smsotp&#39;s own");
        assertThat(console.audit("app/smsotp-extra")).isEmpty();
    }

    @Test
    void aBadMobileNumberNamesTheClaimAndMakesNoUser() {
        Page refused = root.post(ApiPaths.CONSOLE_USER_NEW, Map.of("username", "bruno", "password", "pw-1234567",
                "claims.mobile", "555 1234"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("(field <code>claims.mobile</code>)")
                .as("the password is never sent back").doesNotContain("pw-1234567");
        assertThat(console.service.users().find("bruno")).isEmpty();
    }

    @Test
    void aNameTakenIsRefusedOnTheNameField() {
        Page refused = root.post(ApiPaths.CONSOLE_PROVIDER_NEW, provider("file-provider", "http://127.0.0.1:9/y"));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("exists already").contains("(field <code>name</code>)");
        assertThat(console.service.liveConfig().provider("file-provider").orElseThrow().url())
                .isEqualTo("http://127.0.0.1:9/send");
    }

    @Test
    void aFormOpenedBeforeAnotherAdminsChangeIsRefusedAndTheirChangeStays() {
        root.post(ApiPaths.CONSOLE_PROVIDER_NEW, provider("contested", "http://127.0.0.1:9/a"));
        Page mine = root.get(ApiPaths.CONSOLE_PROVIDER_EDIT + "?name=contested");
        Admin other = console.root();
        Page theirs = other.get(ApiPaths.CONSOLE_PROVIDER_EDIT + "?name=contested");
        Map<String, String> f = provider("contested", "http://127.0.0.1:9/theirs");
        f.put("headers", "Authorization: ***");
        f.put("version", ConsoleFixture.hidden(theirs, "provider-form", "version"));
        assertThat(other.post(ApiPaths.CONSOLE_PROVIDER_EDIT, f).status()).isEqualTo(303);

        f.put("url", "http://127.0.0.1:9/mine");
        f.put("version", ConsoleFixture.hidden(mine, "provider-form", "version"));
        Page stale = root.post(ApiPaths.CONSOLE_PROVIDER_EDIT, f);

        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.body()).contains("Someone changed this since you opened it");
        assertThat(console.service.liveConfig().provider("contested").orElseThrow().url())
                .isEqualTo("http://127.0.0.1:9/theirs");
    }

    @Test
    void anUnknownEntryIsANotFoundPageOfTheConsole() {
        Page missing = root.get(ApiPaths.CONSOLE_PROVIDER_EDIT + "?name=nowhere");
        Page nameless = root.get(ApiPaths.CONSOLE_APP_EDIT);

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("no provider &#39;nowhere&#39;").contains("href=\"/admin/providers\"");
        assertThat(missing.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(nameless.status()).isEqualTo(400);
    }

    @Test
    void tooManyTestSmsAreRefusedOnTheTestForm() {
        Page last = null;
        for (int i = 0; i <= ProviderTester.PER_MINUTE; i++) {
            last = root.post(ApiPaths.CONSOLE_PROVIDER_TEST, Map.of("name", "file-provider", "to", "+15550009999"));
        }

        assertThat(last.status()).isEqualTo(429);
        assertThat(last.body()).contains("test SMS a minute").contains("id=\"test-form\"");
        assertThat(last.headers().firstValue("retry-after")).isPresent();
    }
}
