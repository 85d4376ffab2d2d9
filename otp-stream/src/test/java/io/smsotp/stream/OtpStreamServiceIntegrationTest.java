package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    @TempDir
    Path stateDir;

    private OtpStreamService service;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    @BeforeEach
    void start() {
        String servers = TestKafka.bootstrapServers();
        TestKafka.createTopics(Topics.ALL, 3);
        String suffix = TestKafka.uniqueSuffix();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        StreamSettings stream = new StreamSettings("otp-stream-it-" + suffix, Base64.getEncoder().encodeToString(key),
                null, null, stateDir.toString(), null);
        service = new OtpStreamService(stream, new KafkaSettings(servers, 3, (short) 1));
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
        String id = UUID.randomUUID().toString();
        byte[] garbage = "{this is not a command".getBytes(StandardCharsets.UTF_8);

        producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id, garbage));
        send(new OtpCommand.CreateChallenge(id, "demo", "Demo", "+15551234567", OtpPolicy.DEFAULT, "r-create", "it"));

        OtpEvent.ChallengeCreated created = (OtpEvent.ChallengeCreated) awaitEvent(id, "r-create");
        assertThat(created.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
        SmsRequest sms = awaitRecord(Topics.SMS_OUTBOUND.name(), r -> id.equals(r.key()))
                .map(r -> Topics.SMS_OUTBOUND.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .orElseThrow();
        String code = TopologyFixture.codeOf(sms);
        assertThat(code).hasSize(6).containsOnlyDigits();
        ConsumerRecord<String, byte[]> dead = awaitRecord(Topics.DEAD_LETTER.name(), r -> id.equals(r.key()))
                .orElseThrow();
        assertThat(dead.value()).isEqualTo(garbage);

        String wrong = code.charAt(0) == '9' ? "0" + code.substring(1) : (char) (code.charAt(0) + 1) + code.substring(1);
        send(new OtpCommand.VerifyCode(id, "demo", wrong, "r-wrong", "it"));
        OtpEvent.CodeChecked wrongCheck = (OtpEvent.CodeChecked) awaitEvent(id, "r-wrong");
        send(new OtpCommand.VerifyCode(id, "demo", code, "r-right", "it"));
        OtpEvent.CodeChecked rightCheck = (OtpEvent.CodeChecked) awaitEvent(id, "r-right");
        send(new OtpCommand.VerifyCode(id, "demo", code, "r-again", "it"));
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
