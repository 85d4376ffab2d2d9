package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.events.ChallengePlacement;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.RawTopics;
import io.smsotp.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.smsotp.metrics.HealthPaths;
import io.smsotp.metrics.ManagementServer;
import io.smsotp.testsupport.Scrape;
import org.junit.jupiter.api.Test;

/**
 * The whole product as a user runs it: the launcher's embedded default (its own KRaft broker,
 * the three services, the fake SMS gateway), driven over HTTP only.
 */
class EndToEndTest {

    static final String DEMO_KEY = "e2e-demo-api-key-0123456789";
    static final String QUICK_KEY = "e2e-quick-api-key-0123456789";
    static final String BUSY_KEY = "e2e-busy-api-key-0123456789";
    static final String LONG_KEY = "e2e-long-api-key-0123456789";
    static final String CONFIG = """
            auth: {port: 0}
            gateway: {port: 0}
            kafka: {commandsRetention: PT30M}
            rateLimits:
              perNumber: {max: 3, window: PT3S}
              perIp: {max: 2, window: PT3S}
            apps:
              - {id: demo, name: Demo Shop, apiKey: %s, otp: {length: 6, ttl: PT5M, maxAttempts: 3, resendCooldown: PT0S}}
              - {id: quick, apiKey: %s, otp: {length: 8, ttl: PT2S, maxAttempts: 5}}
              - {id: busy, apiKey: %s, otp: {maxSendsPerMinute: 2}}
              - {id: long, apiKey: %s, otp: {length: 10, maxAttempts: 5}}
            """.formatted(DEMO_KEY, QUICK_KEY, BUSY_KEY, LONG_KEY);
    private static final Pattern CODE = Pattern.compile("\\b(\\d{4,10})\\b");
    private static final AtomicInteger NUMBERS = new AtomicInteger();
    /** The embedded default's partitions of otp.commands ({@code kafka.partitions}, default 3). */
    private static final int PARTITIONS = 3;

    static Path dataDir;
    static EmbeddedDefault system;
    static Http demo;
    static Http quick;

    @BeforeAll
    static void startEmbeddedDefault() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-e2e-");
        system = EmbeddedDefault.start(config(), dataDir, sms -> { });
        demo = new Http(system.authUrl(), DEMO_KEY);
        quick = new Http(system.authUrl(), QUICK_KEY);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    static SmsOtpConfig config() {
        return ConfigLoader.parse(CONFIG, Map.of());
    }

    @Test
    void createdChallengeSendsAnSmsWhoseCodeApprovesExactlyOnce() {
        String to = newNumber();
        Http.Answer created = demo.createChallenge(to);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().path("status").asText()).isEqualTo("pending");
        assertThat(created.body().path("to").asText()).endsWith(to.substring(to.length() - 4)).doesNotContain(to);
        assertThat(created.body().path("attemptsLeft").asInt()).isEqualTo(3);
        assertThat(Instant.parse(created.body().path("expiresAt").asText())).isAfter(Instant.now().plusSeconds(240));
        String id = created.body().path("id").asText();

        String text = awaitSms(to);
        assertThat(text).contains("Demo Shop");
        String code = codeIn(text);
        assertThat(code).hasSize(6);

        Http.Answer first = demo.verify(id, code);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("valid").asBoolean()).isTrue();
        assertThat(first.body().path("status").asText()).isEqualTo("approved");

        Http.Answer again = demo.verify(id, code);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("valid").asBoolean()).isFalse();
        assertThat(again.body().path("status").asText()).isEqualTo("approved");
    }

    @Test
    void answersHealthAndMetricsOnTheAuthPortAndKeepsTheOtherManagementPortsClosed() {
        int port = system.auth().port();
        demo.createChallenge(newNumber());

        assertThat(Scrape.get(port, HealthPaths.LIVE).statusCode()).isEqualTo(200);
        assertThat(Scrape.get(port, HealthPaths.READY).body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(Scrape.value(Scrape.get(port, HealthPaths.METRICS).body(), "smsotp_auth_replies_total",
                "command=\"create\"", "outcome=\"created\"")).hasValueSatisfying(n -> assertThat(n).isPositive());
        assertThat(system.config().stream().managementPort()).isEqualTo(ManagementServer.OFF);
        assertThat(system.config().dispatcher().managementPort()).isEqualTo(ManagementServer.OFF);
    }

    @Test
    void statusShowsDeliveryOnceTheProviderAcceptedTheSms() {
        String to = newNumber();
        String id = demo.createChallenge(to).body().path("id").asText();
        awaitSms(to);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Http.Answer status = demo.get("/api/v1/challenges/" + id);
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.body().path("delivery").asText()).isEqualTo("sent");
            assertThat(status.body().path("status").asText()).isEqualTo("pending");
        });
    }

    @Test
    void wrongCodeCostsAnAttemptAndRunningOutRefusesEvenTheRightCode() {
        String to = newNumber();
        String id = demo.createChallenge(to).body().path("id").asText();
        String code = codeIn(awaitSms(to));
        String wrong = code.equals("000000") ? "111111" : "000000";

        Http.Answer miss = demo.verify(id, wrong);
        assertThat(miss.status()).isEqualTo(200);
        assertThat(miss.body().path("valid").asBoolean()).isFalse();
        assertThat(miss.body().path("status").asText()).isEqualTo("pending");
        assertThat(miss.body().path("attemptsLeft").asInt()).isEqualTo(2);

        demo.verify(id, wrong);
        Http.Answer last = demo.verify(id, wrong);
        assertThat(last.body().path("status").asText()).isEqualTo("max_attempts_reached");
        assertThat(last.body().path("attemptsLeft").asInt()).isZero();

        Http.Answer right = demo.verify(id, code);
        assertThat(right.status()).isEqualTo(409);
        assertThat(right.body().path("valid").asBoolean()).isFalse();
        assertThat(right.body().path("status").asText()).isEqualTo("max_attempts_reached");
    }

    @Test
    void codeIsRefusedOnceTheChallengeExpired() {
        String to = newNumber();
        Http.Answer created = quick.createChallenge(to);
        String id = created.body().path("id").asText();
        Instant expiresAt = Instant.parse(created.body().path("expiresAt").asText());
        String code = codeIn(awaitSms(to));
        assertThat(code).hasSize(8);

        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiresAt.plusMillis(100)));
        Http.Answer late = quick.verify(id, code);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().path("status").asText()).isEqualTo("expired");
        assertThat(late.body().path("valid").asBoolean()).isFalse();
    }

    @Test
    void anotherApplicationCannotSeeOrVerifyTheChallenge() {
        String to = newNumber();
        String id = demo.createChallenge(to).body().path("id").asText();
        String code = codeIn(awaitSms(to));

        assertThat(quick.get("/api/v1/challenges/" + id).status()).isEqualTo(404);
        assertThat(quick.verify(id, code).status()).isEqualTo(404);
        assertThat(new Http(system.authUrl(), "not-a-configured-key-at-all").get("/api/v1/challenges/" + id).status())
                .isEqualTo(401);
        assertThat(demo.verify(id, code).body().path("valid").asBoolean()).isTrue();
    }

    // ---- send limits, counted by otp-stream on the real broker ----------------------------------

    @Test
    void theFourthSmsToOneNumberWithinTheWindowIs429PerNumberAndTheWindowPassingLetsItThrough() {
        String to = newNumber();
        String id = demo.createChallenge(to).body().path("id").asText();
        assertThat(demo.post("/api/v1/challenges/" + id + "/resend", "{}").status()).as("resends count too").isEqualTo(200);
        assertThat(demo.createChallenge(to).status()).isEqualTo(201);

        Http.Answer refused = demo.createChallenge(to);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().path("error").asText()).isEqualTo("rate_limited");
        assertThat(refused.body().path("limit").asText()).isEqualTo("per_number");
        assertThat(demo.post("/api/v1/challenges/" + id + "/resend", "{}").body().path("limit").asText())
                .isEqualTo("per_number");

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> demo.createChallenge(to).status() == 201);
    }

    @Test
    void theThirdSmsAskedForFromOneClientIpToNumbersOfOnePartitionIs429PerIp() {
        // per IP is counted in each partition's task (at most partitions × max in all, docs/security.md)
        String ip = "198.51.100." + (NUMBERS.incrementAndGet() % 250 + 1);
        int partition = ChallengePlacement.partitionOfNumber(newNumber(), PARTITIONS);
        for (int i = 0; i < 2; i++) {
            assertThat(demo.post("/api/v1/challenges", "{\"to\":\"" + newNumberOn(partition) + "\",\"clientIp\":\""
                    + ip + "\"}").status()).isEqualTo(201);
        }
        Http.Answer refused = demo.post("/api/v1/challenges", "{\"to\":\"" + newNumberOn(partition)
                + "\",\"clientIp\":\"" + ip + "\"}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().path("limit").asText()).isEqualTo("per_ip");
        assertThat(demo.createChallenge(newNumberOn(partition)).status())
                .as("without the IP, only the other limits apply").isEqualTo(201);
    }

    @Test
    void theApplicationsOwnLimitCountsAllItsNumbers() {
        Http busy = new Http(system.authUrl(), BUSY_KEY);
        int partition = ChallengePlacement.partitionOfNumber(newNumber(), PARTITIONS);
        assertThat(busy.createChallenge(newNumberOn(partition)).status()).isEqualTo(201);
        assertThat(busy.createChallenge(newNumberOn(partition)).status()).isEqualTo(201);
        Http.Answer refused = busy.createChallenge(newNumberOn(partition));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().path("limit").asText()).isEqualTo("per_app");
        assertThat(demo.createChallenge(newNumberOn(partition)).status()).as("another application is not limited")
                .isEqualTo(201);
    }

    @Test
    void noCodeTypedAtTheApiIsInPlaintextOnAnyTopic() throws Exception {
        // 10-digit codes: none turns up by chance in the bytes of every topic
        Http tenDigits = new Http(system.authUrl(), LONG_KEY);
        Set<String> typed = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            String to = newNumber();
            String id = tenDigits.createChallenge(to).body().path("id").asText();
            ids.add(id);
            String code = codeIn(awaitSms(to));
            for (int w = 0; w < 2; w++) {
                String wrong = tenRandomDigitsOtherThan(code);
                typed.add(wrong);
                assertThat(tenDigits.verify(id, wrong).body().path("valid").asBoolean()).isFalse();
            }
            typed.add(code);
            assertThat(tenDigits.verify(id, code).body().path("valid").asBoolean()).isTrue();
            assertThat(tenDigits.verify(id, code).body().path("valid").asBoolean()).isFalse();
        }

        List<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                system.config().kafka().bootstrapServers()))) {
            topics = List.copyOf(admin.listTopics().names().get());
        }
        assertThat(topics).contains(Topics.COMMANDS.name(), Topics.DEAD_LETTER.name());
        List<ConsumerRecord<byte[], byte[]>> atRest = RawTopics.readAll(system.config().kafka().bootstrapServers(),
                topics);
        assertThat(atRest).as("our verifies on otp.commands").filteredOn(r -> r.topic().equals(Topics.COMMANDS.name())
                && ids.contains(new String(r.key(), StandardCharsets.UTF_8))).hasSizeGreaterThanOrEqualTo(8);
        for (ConsumerRecord<byte[], byte[]> r : atRest) {
            StringBuilder bytes = new StringBuilder().append(latin1(r.key())).append('|').append(latin1(r.value()));
            r.headers().forEach(h -> bytes.append('|').append(h.key()).append('=').append(latin1(h.value())));
            for (String code : typed) {
                assertThat(bytes.toString()).as("a record of %s", r.topic()).doesNotContain(code);
            }
        }
    }

    @Test
    void otpCommandsKeepsCommandsOnlyForTheConfiguredRetention() throws Exception {
        ConfigResource commands = new ConfigResource(ConfigResource.Type.TOPIC, Topics.COMMANDS.name());
        Config config;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                system.config().kafka().bootstrapServers()))) {
            config = admin.describeConfigs(List.of(commands)).all().get().get(commands);
        }

        // kafka.commandsRetention: PT30M in the config above
        assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("1800000");
        assertThat(config.get(TopicConfig.SEGMENT_MS_CONFIG).value()).isEqualTo("1800000");
    }

    @Test
    void theLauncherKeepsTheKeyThatSealsTypedCodesInItsDataDir() throws Exception {
        Properties kept = new Properties();
        try (var in = Files.newInputStream(dataDir.resolve(LauncherSecrets.FILE))) {
            kept.load(in);
        }

        assertThat(system.config().codeCipher()).isNotNull();
        assertThat(kept.getProperty(LauncherSecrets.CODE_ENCRYPTION_KEY))
                .isEqualTo(system.config().codeEncryptionKey())
                .isNotEqualTo(kept.getProperty(LauncherSecrets.SMS_ENCRYPTION_KEY));
    }

    private static String tenRandomDigitsOtherThan(String code) {
        String digits;
        do {
            digits = String.format("%010d", ThreadLocalRandom.current().nextLong(10_000_000_000L));
        } while (digits.equals(code));
        return digits;
    }

    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String newNumber() {
        return "+1212555" + String.format("%04d", NUMBERS.incrementAndGet());
    }

    /** A fresh number whose challenges live on {@code partition} of otp.commands. */
    static String newNumberOn(int partition) {
        String number = newNumber();
        while (ChallengePlacement.partitionOfNumber(number, PARTITIONS) != partition) {
            number = newNumber();
        }
        return number;
    }

    static String awaitSms(String to) {
        String[] text = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode list = Http.getJson("http://127.0.0.1:" + system.gateway().port() + "/messages?to=" + Http.encode(to));
            if (list.isArray() && list.size() > 0) {
                text[0] = list.get(list.size() - 1).path("text").asText();
                return true;
            }
            return false;
        });
        return text[0];
    }

    static String codeIn(String text) {
        Matcher m = CODE.matcher(text);
        assertThat(m.find()).as("a code in the SMS text").isTrue();
        return m.group(1);
    }
}
