package io.smsotp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String ISSUE_EXAMPLE = """
            providers:
              - name: sink
                url: "http://127.0.0.1:9999/send?to=$ctx.num"
                method: POST
                headers: {Content-Type: application/json, Authorization: "Bearer abc"}
                payload: '{"to":"$ctx.num","text":"$ctx.msg"}'
                successCodes: [202]
            apps:
              - id: demo
                apiKey: "a-long-random-key"
                otp: {length: 6, ttl: PT5M, maxAttempts: 5}
            """;

    @Test
    void readsTheDocumentedExample(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smsotp.yml");
        Files.writeString(file, ISSUE_EXAMPLE);

        SmsOtpConfig config = ConfigLoader.load(file, Map.of());

        ProviderConfig sink = config.providers().get(0);
        assertThat(sink.name()).isEqualTo("sink");
        assertThat(sink.method()).isEqualTo("POST");
        assertThat(sink.header("content-type")).isEqualTo("application/json");
        assertThat(sink.successCodes()).containsExactly(202);
        AppConfig demo = config.apps().get(0);
        assertThat(demo.apiKey()).isEqualTo("a-long-random-key");
        assertThat(demo.otp().ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.auth().port()).isEqualTo(8080);
        assertThat(config.gateway().port()).isEqualTo(8090);
    }

    @Test
    void leavesOutSettingsAtTheirDefaults() {
        SmsOtpConfig config = ConfigLoader.parse("apps: [{id: a, apiKey: '0123456789abcdef', otp: {length: 8}}]", Map.of());

        assertThat(config.apps().get(0).otp().length()).isEqualTo(8);
        assertThat(config.apps().get(0).otp().maxAttempts()).isEqualTo(5);
        assertThat(config.apps().get(0).name()).isEqualTo("a");
        assertThat(config.providers()).isEmpty();
        assertThat(ConfigLoader.load(null, Map.of()).kafka().partitions()).isEqualTo(3);
    }

    @Test
    void environmentOverridesAnyValueWithoutRegardToCase() {
        SmsOtpConfig config = ConfigLoader.parse(ISSUE_EXAMPLE, Map.of(
                "SMSOTP_AUTH_PORT", "9191",
                "SMSOTP_APPS_0_APIKEY", "another-long-random-key",
                "SMSOTP_APPS_0_OTP_MAXATTEMPTS", "3",
                "SMSOTP_PROVIDERS_0_SUCCESSCODES", "[200, 201]",
                "SMSOTP_PROVIDERS_0_HEADERS_AUTHORIZATION", "Bearer xyz",
                "SMSOTP_APPS_1_ID", "second",
                "SMSOTP_APPS_1_APIKEY", "second-app-long-key",
                "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092",
                "UNRELATED", "ignored"));

        assertThat(config.auth().port()).isEqualTo(9191);
        assertThat(config.apps().get(0).apiKey()).isEqualTo("another-long-random-key");
        assertThat(config.apps().get(0).otp().maxAttempts()).isEqualTo(3);
        assertThat(config.apps().get(1).id()).isEqualTo("second");
        assertThat(config.providers().get(0).successCodes()).containsExactly(200, 201);
        assertThat(config.providers().get(0).header("Authorization")).isEqualTo("Bearer xyz");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    }

    @Test
    void readsSecretsFromTheFilesThatFileVariablesName(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("code-key");
        Files.writeString(key, "a".repeat(43) + "=\n");
        Path jaas = dir.resolve("kafka.jaas");
        Files.writeString(jaas, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");

        SmsOtpConfig config = ConfigLoader.parse("kafka:\n  properties:\n    security.protocol: SASL_PLAINTEXT\n",
                Map.of("SMSOTP_CODEENCRYPTIONKEY_FILE", key.toString(),
                        "SMSOTP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG_FILE", jaas.toString(),
                        "SMSOTP_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512"));

        assertThat(config.codeEncryptionKey()).isEqualTo("a".repeat(43) + "=");
        // each variable sets one Kafka key; the file's other keys stay
        assertThat(config.kafka().properties())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", Files.readString(jaas));
    }

    @Test
    void refusesAMissingSecretFileAndAValueGivenTwice(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SMSOTP_CODEENCRYPTIONKEY_FILE",
                dir.resolve("absent").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SMSOTP_CODEENCRYPTIONKEY_FILE: cannot read");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SMSOTP_CODEENCRYPTIONKEY_FILE", "/x",
                "SMSOTP_CODEENCRYPTIONKEY", "y".repeat(44))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SMSOTP_CODEENCRYPTIONKEY or SMSOTP_CODEENCRYPTIONKEY_FILE, not both")
                .hasMessageNotContaining("yyyy");
    }

    @Test
    void namesTheBadKeyAndValue() {
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, apiKey: '0123456789abcdef', otp: {length: 3}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apps[0].otp").hasMessageContaining("length")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{name: p, url: 'http://h/x', method: PUT}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("providers[0]").hasMessageContaining("PUT");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {port: 70000}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.port").hasMessageContaining("70000");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {prot: 8080}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth").hasMessageContaining("prot");
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{name: p, url: 'ftp://h/x'}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("url").hasMessageContaining("ftp://h/x");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {replyTimeout: soon}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.replyTimeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SMSOTP_AUTH_PORT", "eighty")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.port").hasMessageContaining("eighty");
    }

    @Test
    void refusesDuplicateAppsAndShortSecretsWithoutEchoingThem() {
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, apiKey: '0123456789abcdef'}, {id: a, apiKey: 'fedcba9876543210'}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'a' is used twice");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, apiKey: 'short-key'}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apiKey").hasMessageNotContaining("short-key");
        assertThatThrownBy(() -> ConfigLoader.parse("stream: {codeHmacKey: 'c2hvcnQ='}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stream.codeHmacKey");
    }

    @Test
    void refusesAMissingFileAndBadYaml(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yml");
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "apps: [unclosed");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yml");
    }

    @Test
    void refusesAFileNestedTooDeepOrFullOfAliasesWithoutBlowingUp(@TempDir Path dir) throws Exception {
        // found by ConfigLoaderFuzzTest: these errors have no location, and reading it threw an NPE
        Path deep = dir.resolve("deep.yml");
        Files.writeString(deep, "apps: " + "[".repeat(5000) + "]".repeat(5000));
        Path aliases = dir.resolve("aliases.yml");
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 60; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        Files.writeString(aliases, bomb);

        assertThatThrownBy(() -> ConfigLoader.load(deep, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deep.yml");
        // 2^60 nodes if aliases were expanded: refused at once for its unknown keys instead
        assertThatThrownBy(() -> ConfigLoader.load(aliases, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'a0'");
    }

    @Test
    void secretsStayOutOfToString() {
        SmsOtpConfig config = ConfigLoader.parse(ISSUE_EXAMPLE
                + "stream: {codeHmacKey: 'MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE='}\n", Map.of());
        assertThat(config.toString()).doesNotContain("a-long-random-key", "Bearer abc",
                "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=");
        assertThat(List.of(config.stream().codeHmacKeyBytes().length)).containsExactly(32);
    }

    @Test
    void readsUsersWithClaimsAndTheDatabase() {
        SmsOtpConfig config = ConfigLoader.parse("""
                database: {jdbcUrl: 'jdbc:postgresql://db:5432/smsotp', username: smsotp, password: 'db-secret-pw', maxPoolSize: 4}
                users:
                  - username: alice
                    password: 'alice-password'
                    claims: {mobile: '+15551234567', disable_sms_otp: true, otp_backup_codes: '10300, 21390'}
                  - username: bob
                    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI'
                """, Map.of());
        assertThat(config.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/smsotp");
        assertThat(config.database().maxPoolSize()).isEqualTo(4);
        assertThat(config.users()).hasSize(2);
        UserConfig alice = config.users().get(0);
        assertThat(alice.claims().mobile()).isEqualTo("+15551234567");
        assertThat(alice.claims().disableSmsOtp()).isTrue();
        assertThat(alice.claims().otpBackupCodes()).isEqualTo("10300, 21390");
        assertThat(config.users().get(1).claims()).isEqualTo(UserConfig.Claims.NONE);
        assertThat(config.users().get(1).claims().disableSmsOtp()).isNull();
        assertThat(config.toString()).doesNotContain("db-secret-pw", "alice-password", "10300", "c29tZXNhbHRz",
                "+15551234567");
    }

    @Test
    void readsRolesAndLeavesThemToTheStoreWhenAbsent() {
        SmsOtpConfig config = ConfigLoader.parse("""
                users:
                  - {username: alice, password: pw, claims: {roles: [admin, help-desk_2]}}
                  - {username: bob, password: pw, claims: {roles: []}}
                  - {username: carol, password: pw, claims: {mobile: '+15551234567'}}
                """, Map.of("SMSOTP_USERS_2_CLAIMS_ROLES", "[auditor]"));

        assertThat(config.users().get(0).claims().roles()).containsExactly("admin", "help-desk_2");
        assertThat(config.users().get(1).claims().roles()).as("an empty list takes every role away").isEmpty();
        assertThat(config.users().get(2).claims().roles()).containsExactly("auditor");
        assertThat(ConfigLoader.parse("users: [{username: dan, password: pw}]", Map.of()).users().get(0).claims()
                .roles()).as("absent: the store keeps what it holds").isNull();
    }

    @Test
    void refusesBadRolesNamingTheElement() {
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {roles: [admin, Admin]}}]",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("users[0]")
                .hasMessageContaining("roles[1] must match [a-z][a-z0-9_-]{0,31}");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {roles: [ops, ops]}}]",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("roles[1] repeats 'ops'");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {roles: ['"
                + "a".repeat(33) + "']}}]", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("roles[0] must match");
        String many = String.join(", ", java.util.stream.IntStream.range(0, UserConfig.Claims.MAX_ROLES + 1)
                .mapToObj(i -> "r" + i).toList());
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {roles: [" + many
                + "]}}]", Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("at most 32");
    }

    @Test
    void defaultsToTheEmbeddedDatabaseAndNoUsers() {
        SmsOtpConfig config = ConfigLoader.parse("", Map.of());
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.database().maxPoolSize()).isEqualTo(10);
        assertThat(config.users()).isEmpty();
    }

    @Test
    void refusesBadUsersNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {mobile: '0555 123'}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("users[0]").hasMessageContaining("mobile")
                .hasMessageContaining("E.164");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, passwordHash: '$argon2id$x'}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("users[0]")
                .hasMessageContaining("exactly one of password or passwordHash");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("exactly one of password or passwordHash");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, passwordHash: 'sha256:abc-secret'}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("users[0]").hasMessageContaining("passwordHash")
                .hasMessageNotContaining("abc-secret");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {otp_backup_codes: '123;98765x'}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("otp_backup_codes").hasMessageNotContaining("98765");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {disable_sms_otp: maybe}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("disable_sms_otp");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: a, password: pw, claims: {email: a@b}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("email");
        assertThatThrownBy(() -> ConfigLoader.parse("users: [{username: Alice, password: pw}, {username: alice, password: pw}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'alice' is used twice");
    }

    @Test
    void refusesABadDatabaseWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> ConfigLoader.parse("database: {jdbcUrl: 'jdbc:mysql://h/db?password=hunter2'}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database.jdbcUrl")
                .hasMessageContaining("jdbc:mysql:").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConfigLoader.parse("database: {maxPoolSize: 0}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database.maxPoolSize");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SMSOTP_DATABASE_MAXPOOLSIZE", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database.maxPoolSize").hasMessageContaining("many");
    }
    @Test
    void readsAnOidcClientWithItsLoginSettings() {
        SmsOtpConfig config = ConfigLoader.parse("""
                apps:
                  - id: web
                    redirectUris: ["https://app.example/cb", "http://localhost:8070/callback?x=1"]
                    clientSecret: "a-client-secret-of-some-length"
                    steps: [[basic]]
                    subjectClaim: mobile
                    allowUserDisable: true
                    smsOtpMandatory: true
                    backupCodes: false
                    captureMobile: true
                  - id: spa
                    redirectUris: ["https://spa.example/cb"]
                  - id: api
                    apiKey: "0123456789abcdef"
                """, Map.of());

        AppConfig web = config.apps().get(0);
        assertThat(web.apiKey()).isNull();
        assertThat(web.redirectUris()).containsExactly("https://app.example/cb", "http://localhost:8070/callback?x=1");
        assertThat(web.publicClient()).isFalse();
        assertThat(web.steps()).isEqualTo(AppConfig.STEPS_BASIC);
        assertThat(web.smsOtpStep()).isFalse();
        assertThat(web.subjectClaim()).isEqualTo("mobile");
        assertThat(web.allowUserDisable()).isTrue();
        assertThat(web.smsOtpMandatory()).isTrue();
        assertThat(web.backupCodes()).isFalse();
        assertThat(web.captureMobile()).isTrue();
        assertThat(web.toString()).doesNotContain("a-client-secret-of-some-length");
        AppConfig spa = config.apps().get(1);
        assertThat(spa.publicClient()).isTrue();
        assertThat(spa.steps()).isEqualTo(AppConfig.STEPS_BASIC_SMS);
        assertThat(spa.smsOtpStep()).isTrue();
        assertThat(spa.subjectClaim()).isEqualTo("username");
        assertThat(spa.allowUserDisable()).isFalse();
        assertThat(spa.smsOtpMandatory()).isFalse();
        assertThat(spa.backupCodes()).isTrue();
        assertThat(spa.captureMobile()).isFalse();
        assertThat(config.apps().get(2).redirectUris()).isEmpty();
    }

    @Test
    void refusesBadOidcSettingsNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['https://a.example/cb#frag']}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apps[0]").hasMessageContaining("redirectUris[0]");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['/cb']}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redirectUris[0]").hasMessageContaining("/cb");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['javascript:alert(1)']}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redirectUris[0]");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['https://a.example/cb'], steps: [[smsOTP]]}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apps[0]").hasMessageContaining("steps")
                .hasMessageContaining("smsOTP");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['https://a.example/cb'], subjectClaim: email}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("subjectClaim").hasMessageContaining("email");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['https://a.example/cb'], clientSecret: tiny-secret}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clientSecret").hasMessageNotContaining("tiny-secret");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apiKey").hasMessageContaining("redirectUris");
    }

    @Test
    void everyClientRequiresPkceUnlessAConfidentialOneOptsOut() {
        SmsOtpConfig config = ConfigLoader.parse("""
                apps:
                  - {id: spa, redirectUris: ["https://spa.example/cb"]}
                  - {id: web, redirectUris: ["https://web.example/cb"], clientSecret: "a-client-secret-of-some-length"}
                  - {id: legacy, redirectUris: ["https://old.example/cb"], clientSecret: "a-client-secret-of-some-length",
                     requirePkce: false}
                """, Map.of());

        assertThat(config.apps()).extracting(AppConfig::requirePkce).containsExactly(true, true, false);
        assertThat(ConfigLoader.parse("", Map.of("SMSOTP_APPS_0_ID", "legacy", "SMSOTP_APPS_0_REDIRECTURIS", "['https://o.example/cb']",
                "SMSOTP_APPS_0_CLIENTSECRET", "a-client-secret-of-some-length", "SMSOTP_APPS_0_REQUIREPKCE", "false"))
                .apps().get(0).requirePkce()).isFalse();
    }

    @Test
    void aPublicClientCannotOptOutOfPkce() {
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: spa, redirectUris: ['https://spa.example/cb'], requirePkce: false}]",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("apps[0]")
                .hasMessageContaining("requirePkce").hasMessageContaining("clientSecret");
        assertThatThrownBy(() -> ConfigLoader.parse("apps: [{id: a, redirectUris: ['https://a.example/cb'], requirePkce: maybe}]",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("requirePkce");
    }

    @Test
    void appsWithoutAnApiKeyDoNotCollide() {
        SmsOtpConfig config = ConfigLoader.parse("""
                apps:
                  - {id: a, redirectUris: ["https://a.example/cb"]}
                  - {id: b, redirectUris: ["https://b.example/cb"]}
                """, Map.of());

        assertThat(config.apps()).extracting(AppConfig::id).containsExactly("a", "b");
    }

    @Test
    void resendSettingsDefaultToThirtySecondsAndThreeResendsAndTheCooldownNeverOutlivesTheLifetime() {
        SmsOtpConfig config = ConfigLoader.parse("""
                apps:
                  - {id: a, apiKey: '0123456789abcdef'}
                  - {id: b, apiKey: '0123456789abcdeg', otp: {ttl: PT10S}}
                  - {id: c, apiKey: '0123456789abcdeh', otp: {resendCooldown: PT5S, maxResends: 0}}
                """, Map.of());
        assertThat(config.apps().get(0).otp().resendCooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.apps().get(0).otp().maxResends()).isEqualTo(3);
        assertThat(config.apps().get(1).otp().resendCooldown()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.apps().get(2).otp().resendCooldown()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.apps().get(2).otp().maxResends()).isZero();
    }

    @Test
    void aCooldownLongerThanTheLifetimeOrTooManyResendsStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                "apps: [{id: a, apiKey: '0123456789abcdef', otp: {ttl: PT1M, resendCooldown: PT2M}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apps[0].otp")
                .hasMessageContaining("resendCooldown");
        assertThatThrownBy(() -> ConfigLoader.parse(
                "apps: [{id: a, apiKey: '0123456789abcdef', otp: {maxResends: 11}}]", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("maxResends").hasMessageContaining("11");
    }

    @Test
    void theIssuerLosesATrailingSlashAndMustBeAPlainUrl() {
        assertThat(ConfigLoader.parse("auth: {issuer: 'https://login.example.com/'}", Map.of()).auth().issuer())
                .isEqualTo("https://login.example.com");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {issuer: 'https://login.example.com/?x=1'}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.issuer");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {issuer: 'ftp://login.example.com'}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.issuer");
    }

    @Test
    void managementPortsDefaultTo8081And8082TakeTheEnvironmentAndRefuseBelowMinusOne() {
        SmsOtpConfig defaults = ConfigLoader.parse("", Map.of());
        SmsOtpConfig set = ConfigLoader.parse("stream: {managementPort: 0}", Map.of(
                "SMSOTP_DISPATCHER_MANAGEMENTPORT", "-1"));

        assertThat(defaults.stream().managementPort()).isEqualTo(8081);
        assertThat(defaults.dispatcher().managementPort()).isEqualTo(8082);
        assertThat(set.stream().managementPort()).isZero();
        assertThat(set.dispatcher().managementPort()).isEqualTo(-1);
        assertThatThrownBy(() -> ConfigLoader.parse("dispatcher: {managementPort: -2}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dispatcher.managementPort")
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> ConfigLoader.parse("stream: {managementPort: 70000}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stream.managementPort");
    }

    @Test
    void shutdownTimeoutsDefaultToEightSecondsTakeTheEnvironmentAndStayWithinASecondAndFiveMinutes() {
        SmsOtpConfig defaults = ConfigLoader.parse("", Map.of());
        SmsOtpConfig set = ConfigLoader.parse("stream: {shutdownTimeout: PT20S}\nauth: {drainDelay: PT3S}", Map.of(
                "SMSOTP_DISPATCHER_SHUTDOWNTIMEOUT", "PT25S", "SMSOTP_AUTH_SHUTDOWNTIMEOUT", "PT5S"));

        assertThat(defaults.dispatcher().shutdownTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(defaults.stream().shutdownTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(defaults.auth().shutdownTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(defaults.auth().drainDelay()).isZero();
        assertThat(set.dispatcher().shutdownTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(set.stream().shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(set.auth().shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(set.auth().drainDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> ConfigLoader.parse("dispatcher: {shutdownTimeout: PT0.5S}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dispatcher.shutdownTimeout")
                .hasMessageContaining("PT0.5S");
        assertThatThrownBy(() -> ConfigLoader.parse("stream: {shutdownTimeout: PT8H}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stream.shutdownTimeout")
                .hasMessageContaining("PT8H");
        // the drain delay must leave time to answer the requests in progress
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {shutdownTimeout: PT5S, drainDelay: PT4.5S}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.drainDelay")
                .hasMessageContaining("PT4.5S");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {drainDelay: -PT1S}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.drainDelay");
    }

    @Test
    void takesTheLogFormatVariableAsNoKeyOfTheFileAndRefusesAMisspeltValue() {
        assertThat(ConfigLoader.parse("", Map.of("SMSOTP_LOG_FORMAT", "json")).auth().port()).isEqualTo(8080);
        assertThat(ConfigLoader.parse("", Map.of("SMSOTP_LOG_FORMAT", " JSON ")).auth().port()).isEqualTo(8080);

        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SMSOTP_LOG_FORMAT", "jsno")))
                .isInstanceOf(ConfigException.class).hasMessage("SMSOTP_LOG_FORMAT must be text or json, not 'jsno'");
        assertThatThrownBy(() -> ConfigLoader.parse("log: {format: json}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'log' is not a key of the file")
                .hasMessageContaining("SMSOTP_LOG_FORMAT=json");
    }
}
