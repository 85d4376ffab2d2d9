package io.smsotp.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.provider.ProviderClient;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.dispatcher.testing.FakeProvider;
import io.smsotp.dispatcher.testing.FakeProvider.Answer;
import io.smsotp.events.Delivery;
import io.smsotp.events.Json;
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
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

/** The loop's record handling and offset tracking, with Kafka's mock clients and a real local HTTP provider. */
public class DispatchLoopTest {

    static final TopicPartition TP = new TopicPartition(Topics.SMS_OUTBOUND.name(), 0);
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final DispatcherSettings.Retry FAST_RETRY = new DispatcherSettings.Retry(Duration.ofMillis(10),
            Duration.ofMillis(50), 2.0, 0.0);

    /** The key otp-stream would seal the texts with. */
    public static final SmsCipher CIPHER = new SmsCipher("dispatch-loop-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final FakeProvider provider = new FakeProvider();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void assign() {
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        provider.close();
    }

    DispatchLoop loop(List<ProviderConfig> providers) {
        return loop(providers, settings(16, 100));
    }

    DispatchLoop loop(List<ProviderConfig> providers, DispatcherSettings settings) {
        return loop(consumer, providers, settings);
    }

    DispatchLoop loop(MockConsumer<byte[], byte[]> c, List<ProviderConfig> providers, DispatcherSettings settings) {
        ProviderClient client = new ProviderClient(settings.requestTimeout());
        SmsSender sender = new SmsSender(providers, client, settings, clock);
        closing.add(sender);
        closing.add(client);
        return new DispatchLoop(c, producer, sender, settings, clock, CIPHER);
    }

    static DispatcherSettings settings(int maxInFlight, int maxPending) {
        return new DispatcherSettings("g", Duration.ofSeconds(2), maxInFlight, maxPending, FAST_RETRY, null);
    }

    ProviderConfig sink() {
        return new ProviderConfig("sink", provider.url("/send?id=$ctx.id&to=$ctx.num"), "POST",
                Map.of("Content-Type", "application/json"), "{\"text\":\"$ctx.msg\"}", List.of(200));
    }

    static SmsRequest request(String challengeId, Instant expiresAt) {
        return new SmsRequest("m-" + challengeId, challengeId, "demo", "+15551234567", "code 123456", expiresAt);
    }

    static SmsRequest request(String challengeId) {
        return request(challengeId, NOW.plusSeconds(60));
    }

    static ConsumerRecord<byte[], byte[]> record(long offset, String key, byte[] value) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** {@code request} as otp-stream writes it: the text sealed. */
    static ConsumerRecord<byte[], byte[]> record(long offset, SmsRequest request) {
        return record(offset, request.challengeId(),
                Topics.SMS_OUTBOUND.valueSerde().serializer().serialize(TP.topic(), CIPHER.seal(request)));
    }

    void feed(MockConsumer<byte[], byte[]> c, List<ConsumerRecord<byte[], byte[]>> records) {
        records.forEach(c::addRecord);
    }

    @SafeVarargs
    final void feed(ConsumerRecord<byte[], byte[]>... records) {
        feed(consumer, List.of(records));
    }

    /** Turns the loop (on this thread, as its own thread would) until {@code done}. */
    static void runUntil(DispatchLoop loop, Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            loop.runOnce();
            return done.call();
        });
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

    SmsStatus statusOf(String challengeId) {
        return statuses().stream().filter(s -> s.challengeId().equals(challengeId)).findFirst().orElse(null);
    }

    List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return producer.history().stream().filter(r -> r.topic().equals(Topics.DEAD_LETTER.name())).toList();
    }

    Long committed() {
        return committed(consumer);
    }

    static Long committed(MockConsumer<byte[], byte[]> c) {
        OffsetAndMetadata o = c.committed(Set.of(TP)).get(TP);
        return o == null ? null : o.offset();
    }

    long receivedFor(String messageId) {
        return provider.received().stream().filter(r -> messageId.equals(r.query("id"))).count();
    }

    @Test
    void reportsEveryRequestFailedWhenNoProviderIsConfiguredAndCommitsPastThem() {
        consumer.updateBeginningOffsets(Map.of(TP, 10L));
        feed(record(10, request("c1")), record(11, request("c2")));

        runUntil(loop(List.of()), () -> Long.valueOf(12).equals(committed()));

        assertThat(statuses()).containsExactlyInAnyOrder(
                new SmsStatus("m-c1", "c1", Delivery.FAILED, null, null, "no provider configured", NOW),
                new SmsStatus("m-c2", "c2", Delivery.FAILED, null, null, "no provider configured", NOW));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void deadLettersAnUnreadableRecordAsItCameAndCarriesOnWithTheNext() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        consumer.updateBeginningOffsets(Map.of(TP, 5L));
        feed(record(5, "c-bad", garbage), record(6, request("c-good")));

        runUntil(loop(List.of()), () -> Long.valueOf(7).equals(committed()));

        assertThat(deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.key()).isEqualTo("c-bad".getBytes(StandardCharsets.UTF_8));
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo("sms.outbound");
            assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("5");
            assertThat(header(dead, DeadLetters.ERROR)).contains("not a valid SmsRequest");
        });
        assertThat(statuses()).extracting(SmsStatus::challengeId).containsExactly("c-good");
    }

    @Test
    void aTextThatIsNotSealedOrSealedUnderAnotherKeyIsNeverSentButDeadLetteredAndReportedFailed() {
        SmsRequest plain = request("c-plain");
        SmsRequest otherKey = new SmsCipher(new byte[32]).seal(request("c-other"));
        var serializer = Topics.SMS_OUTBOUND.valueSerde().serializer();
        feed(record(0, "c-plain", serializer.serialize(TP.topic(), plain)),
                record(1, "c-other", serializer.serialize(TP.topic(), otherKey)), record(2, request("c-good")));

        runUntil(loop(List.of(sink())), () -> Long.valueOf(3).equals(committed()));

        assertThat(deadLetters()).extracting(r -> header(r, DeadLetters.ERROR)).containsExactlyInAnyOrder(
                "the SMS text is not sealed (plaintext on the SMS topic is refused)",
                "the sealed SMS text does not open: another key, another request, or changed");
        assertThat(statuses()).extracting(SmsStatus::challengeId, SmsStatus::delivery, SmsStatus::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("c-plain", Delivery.FAILED, "the SMS text could not be opened"),
                        org.assertj.core.groups.Tuple.tuple("c-other", Delivery.FAILED, "the SMS text could not be opened"),
                        org.assertj.core.groups.Tuple.tuple("c-good", Delivery.SENT, null));
        assertThat(provider.received()).singleElement().satisfies(r -> assertThat(r.query("id")).isEqualTo("m-c-good"));
    }

    @Test
    void deadLettersARequestWithoutChallengeId() {
        SmsRequest noChallenge = new SmsRequest("m-x", null, "demo", "+15551234567", "code", NOW.plusSeconds(60));
        feed(record(0, "k", Topics.SMS_OUTBOUND.valueSerde().serializer().serialize(TP.topic(), noChallenge)));

        runUntil(loop(List.of()), () -> Long.valueOf(1).equals(committed()));

        assertThat(producer.history()).singleElement()
                .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.DEAD_LETTER.name()))
                .satisfies(r -> assertThat(header(r, DeadLetters.ERROR)).isEqualTo("the SmsRequest has no challengeId"));
    }

    @Test
    void dropsARequestWhoseChallengeHasExpiredWithoutSendingIt() {
        feed(record(0, request("c-old", NOW.minusSeconds(1))));

        runUntil(loop(List.of(sink())), () -> Long.valueOf(1).equals(committed()));

        assertThat(statuses()).containsExactly(
                new SmsStatus("m-c-old", "c-old", Delivery.DROPPED, null, null, "expired before sending", NOW));
        assertThat(deadLetters()).isEmpty();
        assertThat(provider.received()).isEmpty();
    }

    @Test
    void whenEveryProviderFailsTheSealedRequestIsDeadLetteredWithEveryAttemptAndReportedFailed() throws Exception {
        provider.answering(503);
        FakeProvider other = new FakeProvider().answering(400);
        closing.add(other);
        ProviderConfig backup = new ProviderConfig("backup", other.url("/sms?to=$ctx.num"), "POST",
                Map.of("Content-Type", "text/plain", "Authorization", "Bearer secret-token"), "$ctx.msg", List.of(200));
        SmsRequest request = request("c-dead");
        ConsumerRecord<byte[], byte[]> record = record(0, request);
        feed(record);

        runUntil(loop(List.of(sink().withTries(2, null), backup)), () -> Long.valueOf(1).equals(committed()));

        assertThat(statusOf("c-dead")).satisfies(s -> {
            assertThat(s.delivery()).isEqualTo(Delivery.FAILED);
            assertThat(s.provider()).isEqualTo("backup");
            assertThat(s.httpStatus()).isEqualTo(400);
            assertThat(s.reason()).isEqualTo("no provider could send it: HTTP 503 from sink (2 tries); HTTP 400 from backup");
        });
        ProducerRecord<byte[], byte[]> dead = deadLetters().get(0);
        assertThat(deadLetters()).hasSize(1);
        // the request as it came: its text still sealed
        assertThat(dead.value()).isEqualTo(record.value());
        assertThat(dead.key()).isEqualTo("c-dead".getBytes(StandardCharsets.UTF_8));
        assertThat(header(dead, DeadLetters.ERROR)).isEqualTo(statusOf("c-dead").reason());
        JsonNode attempts = Json.MAPPER.readTree(header(dead, DeadLetters.ATTEMPTS));
        assertThat(attempts).hasSize(3);
        assertThat(attempts.get(0).get("provider").asText()).isEqualTo("sink");
        assertThat(attempts.get(0).get("kind").asText()).isEqualTo("retryable");
        assertThat(attempts.get(0).get("httpStatus").asInt()).isEqualTo(503);
        assertThat(attempts.get(0).get("reason").asText()).isEqualTo("HTTP 503 from sink");
        assertThat(Instant.parse(attempts.get(0).get("at").asText())).isNotNull();
        assertThat(attempts.get(2).get("provider").asText()).isEqualTo("backup");
        assertThat(attempts.get(2).get("kind").asText()).isEqualTo("permanent");
        String allHeaders = java.util.Arrays.stream(dead.headers().toArray())
                .map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(allHeaders).doesNotContain(request.to(), "15551234567", request.text(), "123456", "secret-token");
    }

    @Test
    void aMessageWaitingForARetryDoesNotHoldUpLaterOnesOnItsPartition() {
        provider.replying(r -> "m-c-slow".equals(r.query("id")) ? Answer.of(429).withHeader("Retry-After", "30")
                : Answer.of(200));
        feed(record(0, request("c-slow")), record(1, request("c-fast1")), record(2, request("c-fast2")));
        DispatchLoop loop = loop(List.of(sink()));

        // held 1: both fast ones finished and committed (a commit may come between their two reports)
        runUntil(loop, () -> statuses().size() == 2 && committed() != null && loop.held() == 1);

        assertThat(statuses()).extracting(SmsStatus::challengeId, SmsStatus::delivery).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("c-fast1", Delivery.SENT),
                org.assertj.core.groups.Tuple.tuple("c-fast2", Delivery.SENT));
        // the commit stops at the waiting message and says the two after it are done
        OffsetAndMetadata commit = consumer.committed(Set.of(TP)).get(TP);
        assertThat(commit.offset()).isZero();
        OffsetMetadata.Holes holes = OffsetMetadata.decode(commit.offset(), commit.metadata());
        assertThat(holes.finished(0)).isFalse();
        assertThat(holes.finished(1)).isTrue();
        assertThat(holes.finished(2)).isTrue();
        assertThat(holes.finished(3)).isFalse();
        assertThat(loop.held()).isEqualTo(1);
    }

    @Test
    void aRevokedPartitionIsHandedOverSoThatItsNextOwnerSendsOnlyWhatWasNotFinished() {
        provider.replying(r -> "m-c-slow".equals(r.query("id")) ? Answer.of(429).withHeader("Retry-After", "30")
                : Answer.of(200));
        List<ConsumerRecord<byte[], byte[]>> records = List.of(record(0, request("c-slow")),
                record(1, request("c-fast1")), record(2, request("c-fast2")));
        Map<TopicPartition, OffsetAndMetadata> commits = new java.util.concurrent.ConcurrentHashMap<>();
        // MockConsumer shows commits of assigned partitions only: keep what the owner commits, revocation included
        MockConsumer<byte[], byte[]> first = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                super.commitSync(offsets);
                commits.putAll(offsets);
            }
        };
        DispatchLoop owner = loop(first, List.of(sink()), settings(16, 100));
        owner.subscribe();
        first.rebalance(List.of(TP));
        first.updateBeginningOffsets(Map.of(TP, 0L));
        feed(first, records);
        runUntil(owner, () -> statuses().size() == 2 && receivedFor("m-c-slow") == 1);

        // the group takes the partition away while c-slow waits 30 s for its retry
        first.rebalance(List.of());

        assertThat(owner.held()).isZero();
        OffsetAndMetadata handedOver = commits.get(TP);
        assertThat(handedOver.offset()).isZero();
        assertThat(handedOver.metadata()).startsWith(OffsetMetadata.PREFIX);
        assertThat(statusOf("c-slow")).isNull();

        provider.answering(200);
        MockConsumer<byte[], byte[]> next = new MockConsumer<>("earliest");
        next.assign(List.of(TP));
        next.commitSync(Map.of(TP, handedOver));
        next.updateBeginningOffsets(Map.of(TP, 0L));
        feed(next, records);
        DispatchLoop nextOwner = loop(next, List.of(sink()), settings(16, 100));
        runUntil(nextOwner, () -> Long.valueOf(3).equals(committed(next)));

        assertThat(statusOf("c-slow").delivery()).isEqualTo(Delivery.SENT);
        assertThat(receivedFor("m-c-fast1")).isEqualTo(1);
        assertThat(receivedFor("m-c-fast2")).isEqualTo(1);
        assertThat(receivedFor("m-c-slow")).isEqualTo(2);
        assertThat(statuses()).hasSize(3);
    }

    @Test
    void pausesReadingAtMaxPendingAndResumesWhenThereIsRoom() {
        provider.answeringAfter(Duration.ofMillis(200));
        consumer.setMaxPollRecords(2);
        for (int i = 0; i < 10; i++) {
            feed(record(i, request("c" + i)));
        }
        DispatchLoop loop = loop(List.of(sink()), settings(2, 4));
        int[] maxHeld = {0};
        boolean[] pausedOnce = {false};

        runUntil(loop, () -> {
            maxHeld[0] = Math.max(maxHeld[0], loop.held());
            pausedOnce[0] |= !consumer.paused().isEmpty();
            return Long.valueOf(10).equals(committed());
        });

        assertThat(maxHeld[0]).isLessThanOrEqualTo(4);
        assertThat(pausedOnce[0]).isTrue();
        assertThat(consumer.paused()).isEmpty();
        assertThat(statuses()).hasSize(10).allMatch(s -> s.delivery() == Delivery.SENT);
        assertThat(provider.maxConcurrent()).isLessThanOrEqualTo(2);
    }

    @Test
    void aReportThatIsNotAcknowledgedIsMadeAgainWithoutSendingTheSmsAgain() {
        consumer.updateBeginningOffsets(Map.of(TP, 20L));
        consumer.commitSync(Map.of(TP, new OffsetAndMetadata(20)));
        producer.sendException = new KafkaException("brokers unreachable");
        feed(record(20, request("c1")));
        DispatchLoop loop = loop(List.of(sink()));

        runUntil(loop, () -> provider.received().size() == 1);
        for (int i = 0; i < 5; i++) {
            loop.runOnce();
        }
        assertThat(committed()).isEqualTo(20L);

        producer.sendException = null;
        runUntil(loop, () -> Long.valueOf(21).equals(committed()));
        assertThat(statusOf("c1").delivery()).isEqualTo(Delivery.SENT);
        assertThat(provider.received()).hasSize(1);
    }

    @Test
    void aStopKeepsToItsTimeoutWhenACallNeverEndsCommitsWhatFinishedAndClosesBothClients() throws Exception {
        provider.replying(r -> "m-c-hung".equals(r.query("id")) ? Answer.of(FakeProvider.NO_ANSWER) : Answer.of(200));
        Map<TopicPartition, OffsetAndMetadata> commits = new java.util.concurrent.ConcurrentHashMap<>();
        // MockConsumer shows no commits once closed: keep them
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
                super.commitSync(offsets, timeout);
                commits.putAll(offsets);
            }

            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                super.commitSync(offsets);
                commits.putAll(offsets);
            }
        };
        // on the loop's thread, inside its first poll, as the group coordinator's answer would come
        c.schedulePollTask(() -> {
            c.rebalance(List.of(TP));
            c.updateBeginningOffsets(Map.of(TP, 0L));
            feed(c, List.of(record(0, request("c-hung")), record(1, request("c-ok"))));
        });
        // a call could stay open 30 s; the stop may take 1 s
        DispatcherSettings settings = new DispatcherSettings("g", Duration.ofSeconds(30), 16, 100, FAST_RETRY, null)
                .withShutdownTimeout(Duration.ofSeconds(1));
        DispatchLoop loop = loop(c, List.of(sink()), settings);
        Thread thread = new Thread(loop, "dispatch-loop-test");
        thread.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf("c-ok") != null && receivedFor("m-c-hung") == 1);

        loop.shutdown();
        thread.join(Duration.ofSeconds(15).toMillis());

        assertThat(thread.isAlive()).as("the loop ended long before the open call could").isFalse();
        // the open call is below the commit, for the next owner; the finished one after it is listed as done
        OffsetAndMetadata last = commits.get(TP);
        assertThat(last.offset()).isZero();
        OffsetMetadata.Holes holes = OffsetMetadata.decode(last.offset(), last.metadata());
        assertThat(holes.finished(0)).isFalse();
        assertThat(holes.finished(1)).isTrue();
        assertThat(statusOf("c-hung")).isNull();
        assertThat(c.closed()).isTrue();
        assertThat(producer.closed()).isTrue();
        assertThat(loop.inGroup()).isFalse();
    }

    static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
