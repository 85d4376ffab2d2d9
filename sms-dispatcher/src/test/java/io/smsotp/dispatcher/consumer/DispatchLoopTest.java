package io.smsotp.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.provider.ProviderClient;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loop's batch handling, with Kafka's mock clients standing in for the brokers. */
public class DispatchLoopTest {

    static final TopicPartition TP = new TopicPartition(Topics.SMS_OUTBOUND.name(), 0);
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    /** The key otp-stream would seal the texts with. */
    public static final SmsCipher CIPHER = new SmsCipher("dispatch-loop-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final ProviderClient client = new ProviderClient(Duration.ofSeconds(1));

    @BeforeEach
    void assign() {
        consumer.assign(List.of(TP));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    DispatchLoop loop(List<ProviderConfig> providers) {
        return new DispatchLoop(consumer, producer, new SmsSender(providers, client, clock), 4, clock, CIPHER);
    }

    static SmsRequest request(String challengeId, Instant expiresAt) {
        return new SmsRequest("m-" + challengeId, challengeId, "demo", "+15551234567", "code 123456", expiresAt);
    }

    static ConsumerRecord<byte[], byte[]> record(long offset, String key, byte[] value) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** {@code request} as otp-stream writes it: the text sealed. */
    static ConsumerRecord<byte[], byte[]> record(long offset, SmsRequest request) {
        return record(offset, request.challengeId(),
                Topics.SMS_OUTBOUND.valueSerde().serializer().serialize(TP.topic(), CIPHER.seal(request)));
    }

    @SafeVarargs
    static ConsumerRecords<byte[], byte[]> batch(ConsumerRecord<byte[], byte[]>... records) {
        return new ConsumerRecords<>(Map.of(TP, List.of(records)), Map.of());
    }

    List<SmsStatus> statuses() {
        List<SmsStatus> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            if (r.topic().equals(Topics.SMS_STATUS.name())) {
                SmsStatus s = Topics.SMS_STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(s.challengeId());
                out.add(s);
            }
        }
        return out;
    }

    Long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? null : o.offset();
    }

    @Test
    void reportsEveryRequestFailedWhenNoProviderIsConfiguredAndCommitsPastThem() {
        loop(List.of()).process(batch(record(10, request("c1", NOW.plusSeconds(60))),
                record(11, request("c2", NOW.plusSeconds(60)))));

        assertThat(statuses()).containsExactlyInAnyOrder(
                new SmsStatus("m-c1", "c1", Delivery.FAILED, null, null, "no provider configured", NOW),
                new SmsStatus("m-c2", "c2", Delivery.FAILED, null, null, "no provider configured", NOW));
        assertThat(committed()).isEqualTo(12L);
    }

    @Test
    void deadLettersAnUnreadableRecordAsItCameAndCarriesOnWithTheNext() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        loop(List.of()).process(batch(record(5, "c-bad", garbage), record(6, request("c-good", NOW.plusSeconds(60)))));

        List<ProducerRecord<byte[], byte[]>> dead = producer.history().stream()
                .filter(r -> r.topic().equals(Topics.DEAD_LETTER.name())).toList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo("c-bad".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(header(dead.get(0), DeadLetters.SOURCE_TOPIC)).isEqualTo("sms.outbound");
        assertThat(header(dead.get(0), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead.get(0), DeadLetters.SOURCE_OFFSET)).isEqualTo("5");
        assertThat(header(dead.get(0), DeadLetters.ERROR)).contains("not a valid SmsRequest");
        assertThat(statuses()).extracting(SmsStatus::challengeId).containsExactly("c-good");
        assertThat(committed()).isEqualTo(7L);
    }

    @Test
    void aTextThatIsNotSealedOrSealedUnderAnotherKeyIsNeverSentButDeadLetteredAndReportedFailed() {
        SmsRequest plain = request("c-plain", NOW.plusSeconds(60));
        SmsRequest otherKey = new SmsCipher(new byte[32]).seal(request("c-other", NOW.plusSeconds(60)));
        SmsRequest good = request("c-good", NOW.plusSeconds(60));
        var serializer = Topics.SMS_OUTBOUND.valueSerde().serializer();

        loop(List.of()).process(batch(record(0, "c-plain", serializer.serialize(TP.topic(), plain)),
                record(1, "c-other", serializer.serialize(TP.topic(), otherKey)), record(2, good)));

        assertThat(producer.history()).filteredOn(r -> r.topic().equals(Topics.DEAD_LETTER.name()))
                .extracting(r -> header(r, DeadLetters.ERROR))
                .containsExactly("the SMS text is not sealed (plaintext on the SMS topic is refused)",
                        "the sealed SMS text does not open: another key, another request, or changed");
        assertThat(statuses()).filteredOn(s -> !s.challengeId().equals("c-good"))
                .extracting(SmsStatus::challengeId, SmsStatus::delivery, SmsStatus::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("c-plain", Delivery.FAILED, "the SMS text could not be opened"),
                        org.assertj.core.groups.Tuple.tuple("c-other", Delivery.FAILED, "the SMS text could not be opened"));
        assertThat(committed()).isEqualTo(3L);
    }

    @Test
    void deadLettersARequestWithoutChallengeId() {
        SmsRequest noChallenge = new SmsRequest("m-x", null, "demo", "+15551234567", "code", NOW.plusSeconds(60));

        loop(List.of()).process(batch(record(0, "k", Topics.SMS_OUTBOUND.valueSerde().serializer()
                .serialize(TP.topic(), noChallenge))));

        assertThat(producer.history()).singleElement()
                .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.DEAD_LETTER.name()))
                .satisfies(r -> assertThat(header(r, DeadLetters.ERROR)).isEqualTo("the SmsRequest has no challengeId"));
        assertThat(statuses()).isEmpty();
    }

    @Test
    void doesNotSendARequestWhoseChallengeHasExpired() {
        ProviderConfig nowhere = new ProviderConfig("p", "http://127.0.0.1:1/send?to=$ctx.num", "GET", null, null, null);

        loop(List.of(nowhere)).process(batch(record(0, request("c-old", NOW.minusSeconds(1)))));

        assertThat(statuses()).containsExactly(
                new SmsStatus("m-c-old", "c-old", Delivery.FAILED, null, null, "challenge expired before sending", NOW));
    }

    @Test
    void doesNotCommitAndReadsTheBatchAgainWhenAReportIsNotAcknowledged() {
        consumer.commitSync(Map.of(TP, new OffsetAndMetadata(20)));
        producer.sendException = new KafkaException("brokers unreachable");

        loop(List.of()).process(batch(record(20, request("c1", NOW.plusSeconds(60))),
                record(21, request("c2", NOW.plusSeconds(60)))));

        assertThat(committed()).isEqualTo(20L);
        assertThat(consumer.position(TP)).isEqualTo(20L);
    }

    static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
