package io.smsotp.auth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.auth.console.ConsoleFixture.Admin;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.auth.users.UserProfile;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ProviderConfig;
import io.smsotp.testsupport.FormBrowser.Page;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's pages doing what an admin asks, over real HTTP on the real service: each change
 * lands in the live configuration or the user store through the admin services, audited as
 * {@code admin:root} with its secrets masked, and secrets made by the server are shown once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsolePagesHttpTest {

    static final Pattern API_KEY = Pattern.compile("<code id=\"api-key\" class=\"secret\">([^<]+)</code>");
    static final Pattern CLIENT_SECRET = Pattern.compile("<code id=\"client-secret\" class=\"secret\">([^<]+)</code>");

    ConsoleFixture console;
    Admin root;
    HttpServer provider;
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path dataDir) throws IOException {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/sms", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"status\": \"queued\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        provider.start();
        console = new ConsoleFixture(dataDir, true);
        root = console.root();
    }

    @AfterAll
    void stop() {
        console.close();
        provider.stop(0);
    }

    @Test
    void theConsolesPagesAreScriptFreeUncachedAndFramedByNobody() {
        Page overview = root.get(ApiPaths.CONSOLE);

        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.body()).contains("Signed in as <strong id=\"signed-in-as\">root</strong>")
                .contains("<nav class=\"console\"").containsPattern("[0-9]+ providers? in failover order")
                .doesNotContain("<script");
        assertThat(overview.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("script-src");
        assertThat(overview.headers().firstValue("cache-control")).contains("no-store");
    }

    @Test
    void anAdminAddsEditsMovesTestsAndRemovesAProvider() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", "backup");
        f.put("url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/sms");
        f.put("method", "POST");
        f.put("headers", "Authorization: Bearer backup-token-9f8e\nContent-Type: application/json");
        f.put("payload", "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\"}");
        f.put("successCodes", "202");
        f.put("bodyCheck.jsonPointer", "/status");
        f.put("bodyCheck.expected", "\"queued\"");
        f.put("maxTries", "2");

        Page added = root.post(ApiPaths.CONSOLE_PROVIDER_NEW, f);

        assertThat(added.status()).as(added.body()).isEqualTo(303);
        assertThat(added.location()).isEqualTo(ApiPaths.CONSOLE_PROVIDERS + "?done=provider-added");
        ProviderConfig live = console.service.liveConfig().provider("backup").orElseThrow();
        assertThat(live.header("Authorization")).isEqualTo("Bearer backup-token-9f8e");
        assertThat(live.successCodes()).containsExactly(202);
        assertThat(live.bodyCheck().expected()).isEqualTo("queued");
        assertThat(live.maxTries()).isEqualTo(2);
        Page list = root.get(added.location());
        assertThat(list.body()).contains("The provider was added").containsSubsequence("file-provider", "backup");

        // the edit form shows the secret masked; saved with *** it keeps it
        Page edit = root.get(ApiPaths.CONSOLE_PROVIDER_EDIT + "?name=backup");
        assertThat(edit.body()).contains("Authorization: ***").doesNotContain("backup-token-9f8e")
                .contains("&quot;queued&quot;");
        Map<String, String> changed = new LinkedHashMap<>(f);
        changed.remove("name");
        changed.put("headers", "Authorization: ***\nContent-Type: application/json");
        changed.put("maxTries", "4");
        changed.put("name", "backup");
        changed.put("version", ConsoleFixture.hidden(edit, "provider-form", "version"));
        assertThat(root.post(ApiPaths.CONSOLE_PROVIDER_EDIT, changed).status()).isEqualTo(303);
        live = console.service.liveConfig().provider("backup").orElseThrow();
        assertThat(live.maxTries()).isEqualTo(4);
        assertThat(live.header("Authorization")).isEqualTo("Bearer backup-token-9f8e");

        // one place up in the failover order
        int was = names().indexOf("backup");
        Page moved = root.post(ApiPaths.CONSOLE_PROVIDER_MOVE, Map.of("name", "backup", "direction", "up"));
        assertThat(moved.location()).isEqualTo(ApiPaths.CONSOLE_PROVIDERS + "?done=provider-moved");
        assertThat(names().indexOf("backup")).isEqualTo(was - 1);

        // a test SMS through it: sent, the provider's status, the body check, the latency
        Page tested = root.post(ApiPaths.CONSOLE_PROVIDER_TEST, Map.of("name", "backup", "to", "+15550003333",
                "text", "hello from the console"));
        assertThat(tested.status()).isEqualTo(200);
        assertThat(tested.body()).contains("<strong id=\"test-sent\">yes</strong>")
                .contains("<span id=\"test-status\">202</span>").contains("<span id=\"test-body-check\">passed</span>")
                .containsPattern("<span id=\"test-latency\">[0-9]+ ms</span>");
        assertThat(received).anySatisfy(b -> assertThat(b).contains("+15550003333").contains("hello from the console"));

        // removed after the confirmation
        Page confirm = root.get(ApiPaths.CONSOLE_PROVIDER_DELETE + "?name=backup");
        assertThat(confirm.body()).contains("Remove provider backup?");
        Page removed = root.post(ApiPaths.CONSOLE_PROVIDER_DELETE, Map.of("name", "backup",
                "version", ConsoleFixture.hidden(confirm, "confirm-form", "version")));
        assertThat(removed.location()).isEqualTo(ApiPaths.CONSOLE_PROVIDERS + "?done=provider-deleted");
        assertThat(console.service.liveConfig().provider("backup")).isEmpty();

        List<AuditRecord> audit = await().atMost(Duration.ofSeconds(10))
                .until(() -> console.audit("provider/backup"), l -> l.size() >= 4);
        assertThat(audit).extracting(AuditRecord::action).containsExactly("provider.delete", "provider.reorder",
                "provider.replace", "provider.create");
        assertThat(audit).allSatisfy(r -> assertThat(r.actor()).isEqualTo("admin:root"));
        assertThat(audit.toString()).doesNotContain("backup-token-9f8e");
        Page log = root.get(ApiPaths.CONSOLE_AUDIT + "?q=provider/backup");
        assertThat(log.body()).contains("admin:root").contains("provider.create").contains("&quot;***&quot;")
                .doesNotContain("backup-token-9f8e");
    }

    @Test
    void aPresetProviderIsAddedWithItsCredentialsKeptSecret() {
        Page added = root.post(ApiPaths.CONSOLE_PROVIDER_NEW, Map.of("preset", "twilio", "name", "twilio-eu",
                "credentials", "accountSid=AC0123\nauthToken=twilio-token-77", "from", "+15550009000",
                "baseUrl", "http://127.0.0.1:9"));

        assertThat(added.status()).as(added.body()).isEqualTo(303);
        ProviderConfig live = console.service.liveConfig().provider("twilio-eu").orElseThrow();
        assertThat(live.preset()).isEqualTo("twilio");
        assertThat(live.credentials()).containsEntry("authToken", "twilio-token-77");
        Page edit = root.get(ApiPaths.CONSOLE_PROVIDER_EDIT + "?name=twilio-eu");
        assertThat(edit.body()).contains("authToken=***").doesNotContain("twilio-token-77")
                .contains("<option value=\"twilio\" selected>");
    }

    @Test
    void anApplicationsKeyAndSecretAreShownOnceThenKeptThroughAnEditAndRotated() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", "dispatch");
        f.put("name", "Dispatch");
        f.put("redirectUris", "https://dispatch.example/cb\nhttps://dispatch.example/cb2");
        f.put("steps", "basic,smsOTP");
        f.put("subjectClaim", "mobile");
        f.put("allowUserDisable", "on");
        f.put("backupCodes", "on");
        f.put("requirePkce", "on");
        f.put("otp.length", "8");
        f.put("otp.ttl", "PT3M");
        f.put("otp.message", "{code} opens {app}");
        f.put("allowedCountryCodes", "1, 44");

        Page created = root.post(ApiPaths.CONSOLE_APP_NEW, f);

        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.headers().firstValue("cache-control")).contains("no-store");
        String apiKey = group(API_KEY, created.body());
        String secret = group(CLIENT_SECRET, created.body());
        AppConfig live = console.service.liveConfig().app("dispatch").orElseThrow();
        assertThat(live.apiKey()).isEqualTo(AdminSettings.SHA256_PREFIX + AdminSettings.sha256Hex(apiKey));
        assertThat(live.clientSecret()).isEqualTo(secret);
        assertThat(live.smsOtpStep()).isTrue();
        assertThat(live.subjectClaim()).isEqualTo("mobile");
        assertThat(live.allowUserDisable()).isTrue();
        assertThat(live.captureMobile()).isFalse();
        assertThat(live.otp().length()).isEqualTo(8);
        assertThat(live.otp().ttl()).isEqualTo(Duration.ofMinutes(3));
        assertThat(live.allowedCountryCodes()).containsExactly(1, 44);
        assertThat(live.redirectUris()).hasSize(2);

        Page edit = root.get(ApiPaths.CONSOLE_APP_EDIT + "?id=dispatch");
        assertThat(edit.body()).doesNotContain(apiKey).doesNotContain(secret).contains("value=\"PT3M\"")
                .contains("<option value=\"mobile\" selected>");
        Map<String, String> changed = new LinkedHashMap<>(f);
        changed.put("name", "Dispatch Two");
        changed.put("steps", "basic");
        changed.put("version", ConsoleFixture.hidden(edit, "app-form", "version"));
        assertThat(root.post(ApiPaths.CONSOLE_APP_EDIT, changed).status()).isEqualTo(303);
        live = console.service.liveConfig().app("dispatch").orElseThrow();
        assertThat(live.name()).isEqualTo("Dispatch Two");
        assertThat(live.smsOtpStep()).isFalse();
        assertThat(live.clientSecret()).as("kept").isEqualTo(secret);
        assertThat(live.apiKeySha256()).as("kept").isEqualTo(AdminSettings.sha256Hex(apiKey));

        edit = root.get(ApiPaths.CONSOLE_APP_EDIT + "?id=dispatch");
        Page rotated = root.post(ApiPaths.CONSOLE_APP_ROTATE_KEY, Map.of("id", "dispatch", "overlap", "PT1H",
                "version", ConsoleFixture.hidden(edit, "rotate-key-form", "version")));
        String newKey = group(API_KEY, rotated.body());
        assertThat(newKey).isNotEqualTo(apiKey);
        assertThat(rotated.body()).contains("The previous key works until");
        live = console.service.liveConfig().app("dispatch").orElseThrow();
        assertThat(live.apiKeySha256()).isEqualTo(AdminSettings.sha256Hex(newKey));
        assertThat(live.retiredApiKeys()).singleElement()
                .satisfies(k -> assertThat(k.sha256()).isEqualTo(AdminSettings.sha256Hex(apiKey)));

        edit = root.get(ApiPaths.CONSOLE_APP_EDIT + "?id=dispatch");
        Page newSecret = root.post(ApiPaths.CONSOLE_APP_ROTATE_SECRET, Map.of("id", "dispatch",
                "version", ConsoleFixture.hidden(edit, "rotate-secret-form", "version")));
        assertThat(console.service.liveConfig().app("dispatch").orElseThrow().clientSecret())
                .isEqualTo(group(CLIENT_SECRET, newSecret.body())).isNotEqualTo(secret);

        Page confirm = root.get(ApiPaths.CONSOLE_APP_DELETE + "?id=dispatch");
        assertThat(root.post(ApiPaths.CONSOLE_APP_DELETE, Map.of("id", "dispatch",
                "version", ConsoleFixture.hidden(confirm, "confirm-form", "version"))).status()).isEqualTo(303);
        assertThat(console.service.liveConfig().app("dispatch")).isEmpty();

        List<AuditRecord> audit = await().atMost(Duration.ofSeconds(10))
                .until(() -> console.audit("app/dispatch"), l -> l.size() >= 5);
        assertThat(audit).extracting(AuditRecord::action).containsExactly("app.delete", "app.rotateSecret",
                "app.rotateKey", "app.replace", "app.create");
        assertThat(audit).allSatisfy(r -> assertThat(r.actor()).isEqualTo("admin:root"));
        assertThat(audit.toString()).doesNotContain(apiKey).doesNotContain(secret).doesNotContain(newKey);
    }

    @Test
    void usersAreAddedFoundEditedGivenBackupCodesAndDeleted() {
        Page added = root.post(ApiPaths.CONSOLE_USER_NEW, Map.of("username", "carol", "password", "carol-pw-123",
                "claims.mobile", "+15550004444", "claims.roles", "ops, admin"));

        assertThat(added.location()).isEqualTo(ApiPaths.CONSOLE_USERS + "?done=user-added");
        UserProfile carol = console.service.users().profiles().find("carol", Instant.now()).orElseThrow();
        assertThat(carol.mobile()).isEqualTo("+15550004444");
        assertThat(carol.roles()).containsExactly("admin", "ops");
        assertThat(console.service.users().checkPassword("carol", "carol-pw-123")).isPresent();

        Page found = root.get(ApiPaths.CONSOLE_USERS + "?q=4444");
        assertThat(found.body()).contains(">carol</a>").contains("+*******4444").doesNotContain(">root</a>")
                .contains("Users 1 to 1 of 1.");

        Page edit = root.get(ApiPaths.CONSOLE_USER_EDIT + "?username=carol");
        assertThat(edit.body()).contains("value=\"+15550004444\"");
        Page saved = root.post(ApiPaths.CONSOLE_USER_EDIT, Map.of("username", "carol", "claims.mobile", "+15550005555",
                "claims.disable_sms_otp", "on", "claims.roles", "ops",
                "version", ConsoleFixture.hidden(edit, "user-form", "version")));
        assertThat(saved.status()).isEqualTo(303);
        carol = console.service.users().profiles().find("carol", Instant.now()).orElseThrow();
        assertThat(carol.mobile()).isEqualTo("+15550005555");
        assertThat(carol.disableSmsOtp()).isTrue();
        assertThat(carol.roles()).containsExactly("ops");

        Page codes = root.post(ApiPaths.CONSOLE_USER_BACKUP_CODES, Map.of("username", "carol"));
        Matcher m = Pattern.compile("<li class=\"code\">([0-9]{8})</li>").matcher(codes.body());
        List<String> shown = m.results().map(r -> r.group(1)).toList();
        assertThat(shown).hasSize(10).doesNotHaveDuplicates();
        assertThat(console.service.users().useBackupCode("carol", shown.get(3))).isTrue();

        Page confirm = root.get(ApiPaths.CONSOLE_USER_DELETE + "?username=carol");
        assertThat(root.post(ApiPaths.CONSOLE_USER_DELETE, Map.of("username", "carol",
                "version", ConsoleFixture.hidden(confirm, "confirm-form", "version"))).status()).isEqualTo(303);
        assertThat(console.service.users().find("carol")).isEmpty();

        List<AuditRecord> audit = await().atMost(Duration.ofSeconds(10))
                .until(() -> console.audit("user/carol"), l -> l.size() >= 4);
        assertThat(audit).extracting(AuditRecord::action).containsExactly("user.delete", "user.backupCodes",
                "user.update", "user.create");
        assertThat(audit).allSatisfy(r -> assertThat(r.actor()).isEqualTo("admin:root"));
        assertThat(audit.toString()).doesNotContain("+15550005555").doesNotContain("carol-pw-123")
                .doesNotContain(shown.get(0));
    }

    @Test
    void aLockedUserIsUnlockedFromTheirPage() {
        Lockouts lockouts = new Lockouts(
                console.service.users().dataSource(), console.config.auth().lockout());
        String account = Lockouts.loginAccount("alice");
        Instant now = Instant.now();
        while (!(lockouts.charge(account, Lockouts.Kind.PASSWORD, now)
                instanceof Lockouts.Charge.Locked)) {
            // each charge counts one failed password; the one past the limit finds the lock
        }
        Page locked = root.get(ApiPaths.CONSOLE_USER_EDIT + "?username=alice");
        assertThat(locked.body()).contains("id=\"unlock-form\"");

        Page unlocked = root.post(ApiPaths.CONSOLE_USER_UNLOCK, Map.of("username", "alice"));

        assertThat(unlocked.location()).isEqualTo(ApiPaths.CONSOLE_USER_EDIT + "?username=alice&done=user-unlocked");
        assertThat(lockouts.lockedUntil(account, Instant.now())).isEmpty();
        assertThat(root.get(unlocked.location()).body()).contains("The user was unlocked.")
                .doesNotContain("id=\"unlock-form\"");
    }

    @Test
    void theSendLimitsAreShownAndReplaced() {
        Page form = root.get(ApiPaths.CONSOLE_RATE_LIMITS);
        assertThat(form.body()).contains("name=\"perNumber.window\" value=\"PT10M\"");

        Page bad = root.post(ApiPaths.CONSOLE_RATE_LIMITS, Map.of("perNumber.max", "0", "perNumber.window", "PT10M",
                "version", ConsoleFixture.hidden(form, "limits-form", "version")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("(field <code>perNumber.max</code>)");
        assertThat(console.service.liveConfig().rateLimits().perNumber().max()).isEqualTo(5);

        Page saved = root.post(ApiPaths.CONSOLE_RATE_LIMITS, Map.of("perNumber.max", "3", "perNumber.window", "PT15M",
                "perIp.max", "40", "version", ConsoleFixture.hidden(form, "limits-form", "version")));
        assertThat(saved.location()).isEqualTo(ApiPaths.CONSOLE_RATE_LIMITS + "?done=limits-saved");
        var limits = console.service.liveConfig().rateLimits();
        assertThat(limits.perNumber().max()).isEqualTo(3);
        assertThat(limits.perNumber().window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(limits.perIp().max()).isEqualTo(40);
    }

    private List<String> names() {
        return console.service.liveConfig().providers().stream().map(ProviderConfig::name).toList();
    }

    private static String group(Pattern p, String body) {
        Matcher m = p.matcher(body);
        assertThat(m.find()).as("%s in %s", p, body).isTrue();
        return m.group(1);
    }
}
