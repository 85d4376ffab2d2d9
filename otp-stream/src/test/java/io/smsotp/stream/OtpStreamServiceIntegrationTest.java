package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.Topics;
import io.smsotp.stream.challenge.ChallengeProcessor;
import io.smsotp.testsupport.RawTopics;
import io.smsotp.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** otp-stream as a service on a real broker, exactly-once, read as auth-service reads it. */
class OtpStreamServiceIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PER_NUMBER = 3;

    @TempDir
    Path stateDir;

    private String servers;
    private SmsOtpConfig config;
    private SmsCipher cipher;
    private OtpStreamService service;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    @BeforeEach
    void start() {
        servers = TestKafka.bootstrapServers();
        TestKafka.createTopics(Topics.ALL, 3);
        String suffix = TestKafka.uniqueSuffix();
        StreamSettings stream = new StreamSettings("otp-stream-it-" + suffix, TopologyFixture.randomKey(), null, null,
                stateDir.toString(), null);
        config = SmsOtpConfig.defaults().withStream(stream).withKafka(new KafkaSettings(servers, 3, (short) 1))
                .withRateLimits(new RateLimitSettings(new RateLimitSettings.Limit(PER_NUMBER, Duration.ofMinutes(10)),
                        null))
                .withSmsEncryptionKey(TopologyFixture.randomKey()).withCodeEncryptionKey(TopologyFixture.randomKey());
        cipher = config.smsCipher();
        service = new OtpStreamService(config);
        service.start();

        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, "otp-stream-it-reader-" + suffix,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // as auth-service reads: only what otp-stream's transactions committed
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.EVENTS.name(), Topics.SMS_OUTBOUND.name(), Topics.DEAD_LETTER.name()));
    }

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (service != null) {
            service.stop();
            assertThat(service.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        }
    }

    @Test
    void createsSendsAndVerifiesOnceThroughKafkaWithExactlyOnce() {
        assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
        String number = uniqueNumber();
        String id = TestKafka.challengeIdFor(number);
        byte[] garbage = "{this is not a command".getBytes(StandardCharsets.UTF_8);

        producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id, garbage));
        send(new OtpCommand.CreateChallenge(id, "demo", "Demo", number, OtpPolicy.DEFAULT, "r-create", "it"));

        OtpEvent.ChallengeCreated created = (OtpEvent.ChallengeCreated) awaitEvent(id, "r-create");
        assertThat(created.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
        String code = TopologyFixture.codeOf(awaitSms(id));
        assertThat(code).hasSize(6).containsOnlyDigits();
        ConsumerRecord<String, byte[]> dead = awaitRecord(Topics.DEAD_LETTER.name(), r -> id.equals(r.key()))
                .orElseThrow();
        assertThat(dead.value()).isEqualTo(garbage);

        String wrong = code.charAt(0) == '9' ? "0" + code.substring(1) : (char) (code.charAt(0) + 1) + code.substring(1);
        send(verifyCode(id, wrong, "r-wrong"));
        OtpEvent.CodeChecked wrongCheck = (OtpEvent.CodeChecked) awaitEvent(id, "r-wrong");
        send(verifyCode(id, code, "r-right"));
        OtpEvent.CodeChecked rightCheck = (OtpEvent.CodeChecked) awaitEvent(id, "r-right");
        send(verifyCode(id, code, "r-again"));
        OtpEvent.CodeChecked againCheck = (OtpEvent.CodeChecked) awaitEvent(id, "r-again");

        assertThat(wrongCheck.valid()).isFalse();
        assertThat(wrongCheck.challenge().attemptsLeft()).isEqualTo(4);
        assertThat(rightCheck.valid()).isTrue();
        assertThat(rightCheck.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
        assertThat(againCheck.valid()).isFalse();
        assertThat(againCheck.counted()).isFalse();
        assertThat(seen).filteredOn(r -> r.topic().equals(Topics.SMS_OUTBOUND.name()) && id.equals(r.key()))
                .hasSize(1);
    }

    @Test
    void thePerNumberLimitRefusesTheSendAfterItsMaximumAcrossPartitionsAndCreatesNothing() {
        // each id placed on the number's partition, as auth-service places it: the count meets there
        String number = uniqueNumber();
        List<String> ids = new ArrayList<>();
        Instant before = Instant.now();
        for (int i = 0; i <= PER_NUMBER; i++) {
            String id = TestKafka.challengeIdFor(number);
            ids.add(id);
            send(new OtpCommand.CreateChallenge(id, "demo", "Demo", number, OtpPolicy.DEFAULT, "203.0.113.7",
                    "r-" + i, "it"));
        }
        List<OtpEvent> answers = new ArrayList<>();
        for (int i = 0; i <= PER_NUMBER; i++) {
            answers.add(awaitEvent(ids.get(i), "r-" + i));
        }

        assertThat(answers).filteredOn(OtpEvent.ChallengeCreated.class::isInstance).hasSize(PER_NUMBER);
        OtpEvent.SendRateLimited refused = answers.stream().filter(OtpEvent.SendRateLimited.class::isInstance)
                .map(OtpEvent.SendRateLimited.class::cast).findFirst().orElseThrow();
        assertThat(refused.limit()).isEqualTo(OtpEvent.SendRateLimited.PER_NUMBER);
        assertThat(refused.retryAt()).isBetween(before.plus(Duration.ofMinutes(10)),
                Instant.now().plus(Duration.ofMinutes(10)));
        send(new OtpCommand.GetStatus(refused.challengeId(), "demo", "r-status", "it"));
        assertThat(awaitEvent(refused.challengeId(), "r-status")).isInstanceOfSatisfying(
                OtpEvent.CommandRejected.class, r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND));
        ids.stream().filter(id -> !id.equals(refused.challengeId())).forEach(this::awaitSms);
        assertThat(seen).filteredOn(r -> r.topic().equals(Topics.SMS_OUTBOUND.name())
                && refused.challengeId().equals(r.key())).isEmpty();
    }

    @Test
    void aCreateWhoseIdIsNotOnItsNumbersPartitionIsRefusedAndSendsNothing() {
        String number = uniqueNumber();
        String id = UUID.randomUUID().toString();
        while (ChallengePlacement.isPlaced(id, number, 3)) {
            id = UUID.randomUUID().toString();
        }

        send(new OtpCommand.CreateChallenge(id, "demo", "Demo", number, OtpPolicy.DEFAULT, "r-misplaced", "it"));

        assertThat(awaitEvent(id, "r-misplaced")).isInstanceOfSatisfying(OtpEvent.CommandRejected.class, r -> {
            assertThat(r.reason()).isEqualTo(ChallengeProcessor.INVALID);
            assertThat(r.message()).contains("number's partition");
        });
        String placed = TestKafka.challengeIdFor(number);
        send(new OtpCommand.CreateChallenge(placed, "demo", "Demo", number, OtpPolicy.DEFAULT, "r-placed", "it"));
        assertThat(awaitEvent(placed, "r-placed")).isInstanceOf(OtpEvent.ChallengeCreated.class);
        String misplaced = id;
        assertThat(seen).filteredOn(r -> r.topic().equals(Topics.SMS_OUTBOUND.name()) && misplaced.equals(r.key()))
                .isEmpty();
    }

    @Test
    void noCodeSentOrTypedIsInPlaintextOnAnyTopicChangelogOrDeadLetter() throws Exception {
        // 10 digits and 8 of the alphanumeric alphabet: neither turns up by chance in the bytes
        OtpPolicy digits = new OtpPolicy(10, Duration.ofMinutes(5), 5, Duration.ZERO, 2);
        OtpPolicy alphanumeric = new OtpPolicy(8, Duration.ofMinutes(5), 5, Duration.ZERO, 2, true,
                "{code} is your {app} code ({minutes} min)", 100);
        Set<String> codes = new HashSet<>();
        Set<String> typed = new HashSet<>();
        Set<String> ids = new HashSet<>();
        List<String> numbers = new ArrayList<>();
        int n = 0;
        for (OtpPolicy policy : List.of(digits, alphanumeric, digits, alphanumeric)) {
            String number = uniqueNumber();
            String id = TestKafka.challengeIdFor(number);
            ids.add(id);
            numbers.add(number);
            n++;
            send(new OtpCommand.CreateChallenge(id, "demo", "Demo", number, policy, "198.51.100." + n, "c" + n, "it"));
            assertThat(awaitEvent(id, "c" + n)).isInstanceOf(OtpEvent.ChallengeCreated.class);
            String first = TopologyFixture.codeOf(awaitSms(id));
            codes.add(first);
            String wrong = randomWrongCode(policy);
            typed.add(wrong);
            send(verifyCode(id, wrong, "w" + n));
            assertThat(((OtpEvent.CodeChecked) awaitEvent(id, "w" + n)).valid()).isFalse();
            send(new OtpCommand.ResendCode(id, "demo", "198.51.100." + n, "r" + n, "it"));
            assertThat(((OtpEvent.CodeResent) awaitEvent(id, "r" + n)).sent()).isTrue();
            String second = awaitRecord(Topics.SMS_OUTBOUND.name(), r -> id.equals(r.key())
                    && !TopologyFixture.codeOf(open(r)).equals(first)).map(this::open).map(TopologyFixture::codeOf)
                    .orElseThrow();
            codes.add(second);
            // the first code, typed after the resend replaced it: a wrong code that was once right
            send(verifyCode(id, first, "o" + n));
            assertThat(((OtpEvent.CodeChecked) awaitEvent(id, "o" + n)).valid()).isFalse();
            send(verifyCode(id, second, "v" + n));
            assertThat(((OtpEvent.CodeChecked) awaitEvent(id, "v" + n)).valid()).isTrue();
            typed.add(second);
        }
        assertThat(codes).hasSize(8);
        // a verify damaged on its way (its JSON cut short): otp-stream dead-letters it as it came
        String damagedId = UUID.randomUUID().toString();
        String damagedCode = randomWrongCode(digits);
        typed.add(damagedCode);
        byte[] whole = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(),
                verifyCode(damagedId, damagedCode, "d"));
        producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), damagedId,
                java.util.Arrays.copyOf(whole, whole.length - 1)));
        producer.flush();
        assertThat(awaitRecord(Topics.DEAD_LETTER.name(), r -> damagedId.equals(r.key()))).isPresent();

        List<String> topics = new ArrayList<>(changelogsOfTheApp());
        // the challenges and the send windows; the two sweep indexes are local, rebuilt at start
        assertThat(topics).hasSize(2);
        Topics.ALL.forEach(t -> topics.add(t.name()));
        List<ConsumerRecord<byte[], byte[]>> atRest = RawTopics.readAll(servers, topics);

        assertThat(atRest).hasSizeGreaterThan(60);
        assertThat(atRest).as("our verifies on otp.commands")
                .filteredOn(r -> r.topic().equals(Topics.COMMANDS.name()) && ids.contains(text(r.key())))
                .hasSizeGreaterThanOrEqualTo(12);
        assertThat(atRest).as("the damaged verify in the dead letters")
                .filteredOn(r -> r.topic().equals(Topics.DEAD_LETTER.name()) && damagedId.equals(text(r.key())))
                .hasSize(1);
        for (ConsumerRecord<byte[], byte[]> r : atRest) {
            String bytes = text(r.key()) + "|" + text(r.value()) + "|" + headers(r);
            for (String code : codes) {
                assertThat(bytes).as("a record of %s", r.topic()).doesNotContain(code);
            }
            for (String code : typed) {
                assertThat(bytes).as("a record of %s", r.topic()).doesNotContain(code);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> limitKeys = atRest.stream()
                .filter(r -> r.topic().endsWith("-send-limits-changelog")).toList();
        assertThat(limitKeys).isNotEmpty().allSatisfy(r -> {
            for (String number : numbers) {
                // neither the number nor the IP is a key: only their HMACs are
                assertThat(text(r.key())).doesNotContain(number.substring(1)).doesNotContain("198.51.100");
            }
        });
        // (on a shared broker other modules' tests write to sms.outbound too: only ours are checked)
        assertThat(atRest).filteredOn(r -> r.topic().equals(Topics.SMS_OUTBOUND.name())
                        && ids.contains(text(r.key()))).hasSize(8)
                .allSatisfy(r -> assertThat(Topics.SMS_OUTBOUND.valueSerde().deserializer()
                        .deserialize(r.topic(), r.value()).text()).startsWith("gcm1:"));
    }

    @Test
    void aChallengeRestoredOnAFreshInstanceStillExpiresAndIsAnnounced(@TempDir Path otherStateDir) throws Exception {
        String number = uniqueNumber();
        String id = TestKafka.challengeIdFor(number);
        send(new OtpCommand.CreateChallenge(id, "demo", "Demo", number, new OtpPolicy(6, Duration.ofSeconds(15), 5),
                "r-create", "it"));
        awaitEvent(id, "r-create");

        // a new instance on an empty state dir: it restores the challenges from their changelog,
        // and finds no sweep index anywhere, since the index has none; it must index them itself
        service.stop();
        service = new OtpStreamService(config.withStream(config.stream().withStateDir(otherStateDir.toString())));
        service.start();

        ConsumerRecord<String, byte[]> expiry = awaitRecord(Topics.EVENTS.name(),
                r -> id.equals(r.key()) && event(r) instanceof OtpEvent.ChallengeExpired).orElseThrow();
        assertThat(((OtpEvent.ChallengeExpired) event(expiry)).challenge().status())
                .isEqualTo(ChallengeStatus.EXPIRED);
        assertThat(changelogsOfTheApp()).containsExactlyInAnyOrder(
                config.stream().applicationId() + "-challenges-changelog",
                config.stream().applicationId() + "-challenge-send-limits-changelog");
    }

    private static OtpEvent event(ConsumerRecord<String, byte[]> r) {
        return Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    /** A verify as auth-service publishes it: the typed code sealed to its challenge. */
    private OtpCommand.VerifyCode verifyCode(String challengeId, String code, String requestId) {
        return config.codeCipher().seal(new OtpCommand.VerifyCode(challengeId, "demo", code, requestId, "it"));
    }

    /** A code of the policy's shape that no challenge here was sent (10 digits or 8 symbols: no chance hits). */
    private static String randomWrongCode(OtpPolicy policy) {
        String alphabet = policy.alphanumeric() ? "23456789ABCDEFGHJKMNPQRSTUVWXYZ" : "0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < policy.length(); i++) {
            sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private List<String> changelogsOfTheApp() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            String prefix = config.stream().applicationId() + "-";
            return admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(prefix) && t.endsWith("-changelog")).sorted()
                    .collect(Collectors.toList());
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String headers(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder all = new StringBuilder();
        for (Header h : r.headers()) {
            all.append(h.key()).append('=').append(text(h.value())).append(';');
        }
        return all.toString();
    }

    /** A number no other test (nor an earlier run on a shared broker) sends to. */
    private static String uniqueNumber() {
        return "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    private SmsRequest open(ConsumerRecord<String, byte[]> r) {
        return cipher.open(Topics.SMS_OUTBOUND.valueSerde().deserializer().deserialize(r.topic(), r.value()));
    }

    private SmsRequest awaitSms(String challengeId) {
        return awaitRecord(Topics.SMS_OUTBOUND.name(), r -> challengeId.equals(r.key())).map(this::open).orElseThrow();
    }

    private void send(OtpCommand command) {
        byte[] value = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), command);
        producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), command.challengeId(), value));
        producer.flush();
    }

    private OtpEvent awaitEvent(String challengeId, String requestId) {
        return awaitRecord(Topics.EVENTS.name(), r -> challengeId.equals(r.key())
                && requestId.equals(Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value())
                .requestId()))
                .map(r -> Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .orElseThrow();
    }

    /** Polls (in this thread: consumers are single-threaded) until a record on {@code topic} matches. */
    private Optional<ConsumerRecord<String, byte[]>> awaitRecord(String topic,
                                                                  Predicate<ConsumerRecord<String, byte[]>> match) {
        Predicate<ConsumerRecord<String, byte[]>> onTopic = r -> r.topic().equals(topic) && match.test(r);
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            return seen.stream().anyMatch(onTopic);
        });
        return seen.stream().filter(onTopic).findFirst();
    }
}
