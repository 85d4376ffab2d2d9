package io.smsotp.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import io.smsotp.testsupport.RawTopics;
import io.smsotp.testsupport.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The users part of the admin API over real HTTP, on the real service: live configuration and audit
 * log on a real broker, the user store in H2 in the data dir.
 */
class UserAdminApiTest {

    static final String ADMIN_KEY = "admin-key-0123456789abcdef-users";
    static final String APP_KEY = "app-key-0123456789abcdef-users";
    static final String PASSWORD = "pw-Correct-Horse-77";

    @TempDir
    Path dataDir;
    SmsOtpConfig config;
    AuthService service;
    final HttpClient http = HttpClient.newHttpClient();

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        String etag() {
            return raw.headers().firstValue("ETag").orElseThrow();
        }
    }

    @BeforeEach
    void start() {
        String suffix = TestKafka.uniqueSuffix();
        config = SmsOtpConfig.defaults()
                .withKafka(new KafkaSettings(TestKafka.bootstrapServers(), 1, (short) 1)
                        .withConfigTopics("config-" + suffix, "audit-" + suffix))
                .withConfigEncryptionKey(ConfigWriterKafkaTest.KEY)
                .withAdmin(new AdminSettings(List.of(ADMIN_KEY)))
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withApps(List.of(new AppConfig("shop", "Shop", APP_KEY, null)))
                .withUsers(List.of(new UserConfig("Root", "root-password-1", null,
                        new UserConfig.Claims("+15550001111", null, null, List.of("ops", "admin")))));
        service = AuthService.withLogin(config, new InMemoryWriter()).start();
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    @Test
    void createsReadsReplacesAndDeletesAUser() throws Exception {
        String name = "ann+test@example.com";
        Answer made = send("POST", ApiPaths.ADMIN_USERS, """
                {"username": "ann+test@example.com", "password": "%s",
                 "claims": {"mobile": "+15551234567", "disable_sms_otp": false, "roles": ["help-desk"]}}
                """.formatted(PASSWORD), ADMIN_KEY);

        assertThat(made.status()).isEqualTo(201);
        assertThat(made.raw().headers().firstValue("Location")).hasValue(ApiPaths.adminUser(name));
        assertThat(made.body()).isEqualTo(ApiJson.MAPPER.readTree("""
                {"username": "ann+test@example.com",
                 "claims": {"mobile": "+15551234567", "disable_sms_otp": false, "roles": ["help-desk"]},
                 "backupCodesLeft": 0, "locked": false, "lockedUntil": null}"""));
        assertThat(made.raw().body()).doesNotContain(PASSWORD);
        assertThat(service.users().checkPassword(name, PASSWORD)).isPresent();

        Answer read = send("GET", ApiPaths.adminUser("ANN+TEST@example.com"), null, ADMIN_KEY);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(made.body());
        assertThat(read.etag()).isEqualTo(made.etag()).matches("\"[A-Za-z0-9_-]{43}\"");
        assertThat(send("GET", ApiPaths.ADMIN_USERS + "/" + name, null, ADMIN_KEY).body())
                .as("+ and @ as typed: a path is no form").isEqualTo(made.body());

        Answer replaced = send("PUT", ApiPaths.adminUser(name), """
                {"claims": {"mobile": "+447700900123", "disable_sms_otp": true, "roles": ["ops", "admin"]}}""",
                ADMIN_KEY, "If-Match", read.etag());
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.body().get("claims")).isEqualTo(ApiJson.MAPPER.readTree("""
                {"mobile": "+447700900123", "disable_sms_otp": true, "roles": ["admin", "ops"]}"""));
        assertThat(replaced.etag()).isNotEqualTo(read.etag());
        assertThat(service.users().find(name).orElseThrow().disableSmsOtp()).as("the login sees it").isTrue();

        // a replace leaves out what it clears
        Answer cleared = send("PUT", ApiPaths.adminUser(name), "{}", ADMIN_KEY);
        assertThat(cleared.body().get("claims")).isEqualTo(ApiJson.MAPPER.readTree("""
                {"mobile": null, "disable_sms_otp": false, "roles": []}"""));

        assertThat(send("DELETE", ApiPaths.adminUser(name), null, ADMIN_KEY, "If-Match", cleared.etag()).status())
                .isEqualTo(204);
        assertThat(send("GET", ApiPaths.adminUser(name), null, ADMIN_KEY).status()).isEqualTo(404);
        assertThat(service.users().checkPassword(name, PASSWORD)).isEmpty();
    }

    @Test
    void searchesAndPagesWithTheRightTotalAndRefusesLimitsOutOfRange() throws Exception {
        for (int i = 0; i < 25; i++) {
            assertThat(send("POST", ApiPaths.ADMIN_USERS, """
                    {"username": "Page-%02d", "password": "pw", "claims": {"mobile": "+1555777%04d"}}"""
                    .formatted(i, i), ADMIN_KEY).status()).isEqualTo(201);
        }

        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 10) {
            Answer page = send("GET", ApiPaths.ADMIN_USERS + "?q=page-&offset=" + offset + "&limit=10", null, ADMIN_KEY);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("total").asInt()).isEqualTo(25);
            assertThat(page.body().get("offset").asInt()).isEqualTo(offset);
            assertThat(page.body().get("limit").asInt()).isEqualTo(10);
            page.body().get("items").forEach(u -> seen.add(u.get("username").asText()));
        }
        assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSorted().first().isEqualTo("Page-00");
        Answer all = send("GET", ApiPaths.ADMIN_USERS, null, ADMIN_KEY);
        assertThat(all.body().get("total").asInt()).as("Root from the file too").isEqualTo(26);
        assertThat(all.body().get("limit").asInt()).isEqualTo(50);
        Answer byNumber = send("GET", ApiPaths.ADMIN_USERS + "?q=5557770013", null, ADMIN_KEY);
        assertThat(byNumber.body().get("items")).singleElement()
                .satisfies(u -> assertThat(u.get("username").asText()).isEqualTo("Page-13"));

        for (String bad : List.of("limit=0", "limit=500", "limit=ten", "offset=-1")) {
            Answer refused = send("GET", ApiPaths.ADMIN_USERS + "?" + bad, null, ADMIN_KEY);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body().get("message").asText()).as(bad).startsWith(bad.substring(0, bad.indexOf('=')));
        }
        assertThat(send("GET", ApiPaths.ADMIN_USERS + "?limit=200", null, ADMIN_KEY).status()).isEqualTo(200);
    }

    @Test
    void aStaleIfMatchIs412AndOfTwoEditsFromOneVersionExactlyOnePasses() throws Exception {
        String etag = send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY).etag();
        assertThat(send("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"roles\": [\"admin\"]}}", ADMIN_KEY,
                "If-Match", etag).status()).isEqualTo(200);

        Answer stale = send("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"roles\": []}}", ADMIN_KEY,
                "If-Match", etag);
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.body().get("error").asText()).isEqualTo("stale");
        assertThat(send("POST", ApiPaths.adminUser("root") + "/unlock", null, ADMIN_KEY, "If-Match", etag).status())
                .isEqualTo(412);
        assertThat(send("DELETE", ApiPaths.adminUser("root"), null, ADMIN_KEY, "If-Match", "W/" + etag).status())
                .as("a weak tag never matches a write").isEqualTo(412);

        for (int round = 0; round < 5; round++) {
            String current = send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY).etag();
            List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
            for (String role : List.of("first" + round, "second" + round)) {
                puts.add(http.sendAsync(request("PUT", ApiPaths.adminUser("root"),
                        "{\"claims\": {\"roles\": [\"" + role + "\"]}}", ADMIN_KEY, "If-Match", current),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = puts.stream().map(f -> f.join().statusCode()).sorted().toList();
            assertThat(statuses).as("round %d", round).containsExactly(200, 412);
        }
    }

    @Test
    void badFieldsAre400NamingTheFieldAndChangeNothing() throws Exception {
        Answer before = send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY);

        assertBad("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"mobile\": \"+1555\"}}", "claims.mobile");
        assertBad("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"mobile\": \"0555 123 4567\"}}", "claims.mobile");
        assertBad("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"roles\": [\"Admin\"]}}", "claims.roles[0]");
        assertBad("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"disable_sms_otp\": \"yes\"}}",
                "claims.disable_sms_otp");
        assertBad("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"disable_smsotp\": true}}", "claims.disable_smsotp");
        assertBad("PUT", ApiPaths.adminUser("root"), "{\"claims\": {\"otp_backup_codes\": \"1,2\"}}",
                "claims.otp_backup_codes");
        assertBad("PUT", ApiPaths.adminUser("root"), "{\"username\": \"someone-else\"}", "username");
        assertBad("POST", ApiPaths.ADMIN_USERS, "{\"username\": \"has space\", \"password\": \"pw\"}", "username");
        assertBad("POST", ApiPaths.ADMIN_USERS, "{\"username\": \"neo\"}", "password");
        assertBad("POST", ApiPaths.ADMIN_USERS, "{\"username\": \"neo\", \"password\": \"pw\", \"claims\": {\"mobile\":"
                + " \"+4477\"}}", "claims.mobile");

        Answer after = send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY);
        assertThat(after.etag()).isEqualTo(before.etag());
        assertThat(send("GET", ApiPaths.adminUser("neo"), null, ADMIN_KEY).status()).isEqualTo(404);
        Answer taken = send("POST", ApiPaths.ADMIN_USERS, "{\"username\": \"ROOT\", \"password\": \"pw\"}", ADMIN_KEY);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(service.users().checkPassword("root", "root-password-1")).as("the owner's password stays").isPresent();
    }

    @Test
    void anUnknownUserIs404Everywhere() throws Exception {
        String path = ApiPaths.adminUser("nobody");
        assertThat(send("GET", path, null, ADMIN_KEY).status()).isEqualTo(404);
        assertThat(send("PUT", path, "{}", ADMIN_KEY).status()).isEqualTo(404);
        assertThat(send("DELETE", path, null, ADMIN_KEY).status()).isEqualTo(404);
        assertThat(send("POST", path + "/unlock", null, ADMIN_KEY).status()).isEqualTo(404);
        Answer codes = send("POST", path + "/backup-codes", null, ADMIN_KEY);
        assertThat(codes.status()).isEqualTo(404);
        assertThat(codes.body().get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void backupCodesAreShownOnceAndEachWorksOnceAtLogin() throws Exception {
        Answer issued = send("POST", ApiPaths.adminUser("root") + "/backup-codes", null, ADMIN_KEY);

        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        List<String> codes = new ArrayList<>();
        issued.body().get("codes").forEach(c -> codes.add(c.asText()));
        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[0-9]{8}"));
        Answer read = send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY);
        assertThat(read.body().get("backupCodesLeft").asInt()).isEqualTo(10);
        assertThat(read.etag()).isEqualTo(issued.etag());
        assertThat(read.raw().body() + send("GET", ApiPaths.ADMIN_USERS, null, ADMIN_KEY).raw().body())
                .doesNotContain(codes);

        assertThat(service.users().useBackupCode("root", codes.get(7))).isTrue();
        assertThat(service.users().useBackupCode("root", codes.get(7))).isFalse();
        assertThat(send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY).body().get("backupCodesLeft").asInt())
                .isEqualTo(9);
        List<String> second = new ArrayList<>();
        send("POST", ApiPaths.adminUser("root") + "/backup-codes", null, ADMIN_KEY).body().get("codes")
                .forEach(c -> second.add(c.asText()));
        assertThat(service.users().useBackupCode("root", codes.get(0))).as("replaced by the new ones").isFalse();
        assertThat(service.users().useBackupCode("root", second.get(0))).isTrue();
    }

    @Test
    void unlockLiftsALockMadeByFailedPasswords() throws Exception {
        Lockouts lockouts = new Lockouts(service.users().dataSource(), config.auth().lockout());
        String account = Lockouts.loginAccount("root");
        Instant now = Instant.now();
        while (!(lockouts.charge(account, Lockouts.Kind.PASSWORD, now) instanceof Lockouts.Charge.Locked)) {
            // each charge counts one failed password; the one past the limit finds the lock
        }
        Answer locked = send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY);
        assertThat(locked.body().get("locked").asBoolean()).isTrue();
        assertThat(Instant.parse(locked.body().get("lockedUntil").asText())).isAfter(now);

        Answer unlocked = send("POST", ApiPaths.adminUser("root") + "/unlock", null, ADMIN_KEY,
                "If-Match", locked.etag());

        assertThat(unlocked.status()).isEqualTo(200);
        assertThat(unlocked.body().get("locked").asBoolean()).isFalse();
        assertThat(unlocked.body().get("lockedUntil").isNull()).isTrue();
        assertThat(lockouts.lockedUntil(account, Instant.now())).isEmpty();
        assertThat(lockouts.charge(account, Lockouts.Kind.PASSWORD, Instant.now()))
                .as("the count starts again").isInstanceOfSatisfying(Lockouts.Charge.Counted.class,
                        c -> assertThat(c.last()).isFalse());
    }

    @Test
    void rolesComeFromTheConfigFile() throws Exception {
        assertThat(send("GET", ApiPaths.adminUser("root"), null, ADMIN_KEY).body().get("claims"))
                .isEqualTo(ApiJson.MAPPER.readTree("""
                        {"mobile": "+15550001111", "disable_sms_otp": false, "roles": ["admin", "ops"]}"""));
    }

    @Test
    void theAuditHoldsEveryChangeWithTheNumberMaskedAndNoPasswordOrCode() throws Exception {
        send("POST", ApiPaths.ADMIN_USERS, """
                {"username": "Zoe", "password": "%s", "claims": {"mobile": "+15559876543"}}""".formatted(PASSWORD),
                ADMIN_KEY);
        send("PUT", ApiPaths.adminUser("zoe"), "{\"claims\": {\"mobile\": \"+15559876544\", \"roles\": [\"ops\"]}}",
                ADMIN_KEY);
        List<String> codes = new ArrayList<>();
        send("POST", ApiPaths.adminUser("zoe") + "/backup-codes", null, ADMIN_KEY).body().get("codes")
                .forEach(c -> codes.add(c.asText()));
        send("POST", ApiPaths.adminUser("zoe") + "/unlock", null, ADMIN_KEY);
        assertThat(send("DELETE", ApiPaths.adminUser("zoe"), null, ADMIN_KEY).status()).isEqualTo(204);
        String actor = "key:" + AdminSettings.sha256Hex(ADMIN_KEY).substring(0, 8);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(service.auditTrail().list("user/zoe", 0, 10))
                .extracting(AuditRecord::action)
                .containsExactly("user.delete", "user.unlock", "user.backupCodes", "user.update", "user.create"));
        List<AuditRecord> records = service.auditTrail().list("user/zoe", 0, 10);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.actor()).isEqualTo(actor);
            assertThat(r.target()).isEqualTo("user/Zoe");
        });
        AuditRecord update = records.get(3);
        assertThat(update.before().at("/claims/mobile").asText()).isEqualTo("+*******6543");
        assertThat(update.after().at("/claims/mobile").asText()).isEqualTo("+*******6544");
        assertThat(update.after().at("/claims/roles/0").asText()).isEqualTo("ops");
        assertThat(records.get(2).after().get("backupCodesLeft").asInt()).isEqualTo(10);
        assertThat(absent(records.get(4).before())).as("nothing before a create").isTrue();
        assertThat(absent(records.get(0).after())).as("nothing after a delete").isTrue();

        String onTopic = RawTopics.readAll(TestKafka.bootstrapServers(), List.of(config.kafka().auditTopic())).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.joining("\n"));
        assertThat(onTopic).contains("user.backupCodes").doesNotContain(PASSWORD, "$argon2id", "15559876543",
                "15559876544").doesNotContain(codes);
    }

    @Test
    void noKeyAnAppsKeyOrAnUnknownKeyIs401() throws Exception {
        for (String key : new String[] {null, APP_KEY, "not-an-admin-key-0123456789"}) {
            Answer refused = send("GET", ApiPaths.ADMIN_USERS, null, key);
            assertThat(refused.status()).as("key %s", key).isEqualTo(401);
            assertThat(refused.body().get("error").asText()).isEqualTo("unauthorized");
            assertThat(send("POST", ApiPaths.ADMIN_USERS, "{\"username\": \"mallory\", \"password\": \"pw\"}", key)
                    .status()).isEqualTo(401);
        }
        assertThat(service.users().find("mallory")).isEmpty();
    }

    @Test
    void withoutTheLiveConfigurationTheUsersApiIs503() throws Exception {
        service.stop();
        service = AuthService.withLogin(config.withConfigEncryptionKey(null), new InMemoryWriter()).start();

        Answer answer = send("GET", ApiPaths.ADMIN_USERS, null, ADMIN_KEY);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.body().get("message").asText()).contains("configEncryptionKey");
        assertThat(send("GET", ApiPaths.ADMIN_USERS, null, null).status()).as("the key is asked for first")
                .isEqualTo(401);
    }

    /** JSON null comes back from the topic as a null node. */
    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private void assertBad(String method, String path, String body, String field) throws Exception {
        Answer a = send(method, path, body, ADMIN_KEY);
        assertThat(a.status()).as(body).isEqualTo(400);
        assertThat(a.body().get("error").asText()).as(body).isEqualTo("invalid_field");
        assertThat(a.body().get("message").asText()).as(body).startsWith(field);
        assertThat(a.raw().body()).as("the number is not echoed").doesNotContain("555 123 4567");
    }

    private HttpRequest request(String method, String path, String body, String key, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private Answer send(String method, String path, String body, String key, String... headers) throws Exception {
        HttpResponse<String> r = http.send(request(method, path, body, key, headers), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? null : ApiJson.MAPPER.readTree(r.body());
        return new Answer(r.statusCode(), json, r);
    }
}
