package io.smsotp.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.consumer.DeadLetters;
import io.smsotp.dispatcher.testing.FakeProvider;
import io.smsotp.dispatcher.testing.Groups;
import io.smsotp.dispatcher.testing.FakeProvider.Received;
import io.smsotp.events.Delivery;
import io.smsotp.events.Json;
import io.smsotp.dispatcher.consumer.DispatchLoopTest;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.TestKafka;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dispatcher on a real broker, sending to a real local HTTP server that plays the provider. */
class SmsDispatcherKafkaTest {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String FAILING_NUMBER = "+15550000500";
    static String bootstrap;

    final String run = TestKafka.uniqueSuffix();
    final FakeProvider provider = new FakeProvider()
            .answering(r -> r.rawQuery().contains(urlEncodedNumber(FAILING_NUMBER)) ? 500 : 202);
    final List<SmsDispatcher> dispatchers = new ArrayList<>();

    @BeforeAll
    static void broker() {
        bootstrap = TestKafka.bootstrapServers();
        TestKafka.createTopics(Topics.ALL, 3);
    }

    @AfterEach
    void tearDown() {
        dispatchers.forEach(SmsDispatcher::stop);
        provider.close();
    }

    ProviderConfig sink() {
        return new ProviderConfig("sink", provider.url("/send?to=$ctx.num"), "POST",
                Map.of("Content-Type", "application/json", "Authorization", "Bearer abc"),
                "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\"}", List.of(202));
    }

    static final DispatcherSettings.Retry FAST_RETRY = new DispatcherSettings.Retry(Duration.ofMillis(20),
            Duration.ofMillis(100), 2.0, 0.0);
    final java.util.Set<String> groups = new java.util.HashSet<>();

    SmsDispatcher startDispatcher(String groupId) {
        if (groups.add(groupId)) {
            // the topic is shared by every test of this JVM: see only what this test produces
            Groups.startAtEnd(bootstrap, groupId, Topics.SMS_OUTBOUND.name());
        }
        SmsDispatcher d = new SmsDispatcher(new DispatcherSettings(groupId, Duration.ofSeconds(2), 8, null, FAST_RETRY,
                null), List.of(sink()), bootstrap, DispatchLoopTest.CIPHER);
        dispatchers.add(d);
        d.start();
        return d;
    }

    SmsRequest request(String name, String to, String text) {
        String challengeId = "ch-" + name + "-" + run;
        return new SmsRequest("m-" + name + "-" + run, challengeId, "demo", to, text, Instant.now().plusSeconds(300));
    }

    @Test
    void sendsEachCommittedRequestAsConfiguredAndReportsItsOutcome() {
        startDispatcher("dispatcher-" + run);
        SmsRequest aborted = request("a", "+15551110000", "aborted " + run);
        SmsRequest ok = request("a", "+15551110000", "Your demo code is 123456 " + run);
        SmsRequest failing = request("b", FAILING_NUMBER, "Your demo code is 654321 " + run);
        SmsRequest nasty = request("c", "+4915112345678",
                "Grüße ✓ 🎉 & a=b + \"q\" #x\nline2 \",\"admin\":true,\"x\":\" $ctx.num " + run);
        SmsRequest late = new SmsRequest("m-d-" + run, "ch-d-" + run, "demo", "+15554440000", "too late " + run,
                Instant.now().minusSeconds(1));

        try (KafkaProducer<String, SmsRequest> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), aborted.challengeId(),
                    DispatchLoopTest.CIPHER.seal(aborted)));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (SmsRequest r : List.of(ok, failing, nasty, late)) {
                producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), r.challengeId(), DispatchLoopTest.CIPHER.seal(r)));
            }
            producer.commitTransaction();
        }

        Map<String, SmsStatus> statuses = awaitStatuses(List.of(ok, failing, nasty, late));
        assertThat(statuses.get(ok.challengeId())).satisfies(s -> {
            assertThat(s.messageId()).isEqualTo(ok.messageId());
            assertThat(s.delivery()).isEqualTo(Delivery.SENT);
            assertThat(s.provider()).isEqualTo("sink");
            assertThat(s.httpStatus()).isEqualTo(202);
            assertThat(s.reason()).isNull();
        });
        assertThat(statuses.get(failing.challengeId())).satisfies(s -> {
            assertThat(s.delivery()).isEqualTo(Delivery.FAILED);
            assertThat(s.provider()).isEqualTo("sink");
            assertThat(s.httpStatus()).isEqualTo(500);
            assertThat(s.reason()).isEqualTo("no provider could send it: HTTP 500 from sink (3 tries)");
        });
        assertThat(statuses.get(nasty.challengeId()).delivery()).isEqualTo(Delivery.SENT);
        assertThat(statuses.get(late.challengeId())).satisfies(s -> {
            assertThat(s.delivery()).isEqualTo(Delivery.DROPPED);
            assertThat(s.reason()).isEqualTo("expired before sending");
        });

        List<Received> mine = receivedFor(run);
        for (SmsRequest r : List.of(ok, nasty)) {
            assertThat(mine).filteredOn(received -> bodyText(received).equals(r.text())).singleElement()
                    .satisfies(received -> assertReceivedAsConfigured(received, r));
        }
        // a 500 is retried up to the provider's maxTries (3 by default)
        assertThat(mine).filteredOn(received -> bodyText(received).equals(failing.text())).hasSize(3)
                .allSatisfy(received -> assertReceivedAsConfigured(received, failing));
        assertThat(mine).noneMatch(received -> bodyText(received).startsWith("aborted"));
        assertThat(mine).noneMatch(received -> bodyText(received).equals(late.text()));

        // what no provider could send is dead-lettered as it came, sealed, with every attempt
        ConsumerRecord<byte[], byte[]> dead = awaitRecord(Topics.DEAD_LETTER.name(),
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(failing.challengeId()));
        SmsRequest deadRequest = Topics.SMS_OUTBOUND.valueSerde().deserializer().deserialize("x", dead.value());
        assertThat(deadRequest.messageId()).isEqualTo(failing.messageId());
        assertThat(deadRequest.text()).doesNotContain("654321");
        assertThat(DispatchLoopTest.CIPHER.open(deadRequest).text()).isEqualTo(failing.text());
        assertThat(header(dead, DeadLetters.ERROR)).isEqualTo("no provider could send it: HTTP 500 from sink (3 tries)");
        JsonNode attempts = json(header(dead, DeadLetters.ATTEMPTS));
        assertThat(attempts).hasSize(3).allSatisfy(a -> {
            assertThat(a.get("provider").asText()).isEqualTo("sink");
            assertThat(a.get("httpStatus").asInt()).isEqualTo(500);
            assertThat(a.get("reason").asText()).isEqualTo("HTTP 500 from sink");
        });
        assertThat(header(dead, DeadLetters.ATTEMPTS)).doesNotContain("5550000500", "654321", "Bearer");
    }

    @Test
    void aRequestWaitingForARetryDoesNotHoldUpTheNextOnItsPartitionAndACleanStopSendsNothingTwice() throws Exception {
        String group = "dispatcher-" + run;
        // one challenge, one partition: the second request is behind the first
        SmsRequest slow = new SmsRequest("m-slow-" + run, "ch-p-" + run, "demo", "+15556660000", "slow " + run,
                Instant.now().plusSeconds(300));
        SmsRequest fast = new SmsRequest("m-fast-" + run, "ch-p-" + run, "demo", "+15556660000", "fast " + run,
                Instant.now().plusSeconds(300));
        provider.replying(r -> bodyText(r).startsWith("slow")
                ? FakeProvider.Answer.of(429).withHeader("Retry-After", "30") : FakeProvider.Answer.of(202));
        SmsDispatcher worker = startDispatcher(group);

        long start = System.nanoTime();
        produce(slow);
        produce(fast);
        SmsStatus fastStatus = awaitStatus(fast.messageId());

        assertThat(fastStatus.delivery()).isEqualTo(Delivery.SENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(receivedFor(run)).extracting(SmsDispatcherKafkaTest::bodyText).contains(slow.text(), fast.text());

        // the slow one still waits for its retry; a clean stop leaves it to the next worker, and only it
        worker.stop();
        provider.answering(202);
        startDispatcher(group);

        assertThat(awaitStatus(slow.messageId()).delivery()).isEqualTo(Delivery.SENT);
        // the first two went out together (either may reach the provider first); then only the retry
        List<String> received = receivedFor(run).stream().map(SmsDispatcherKafkaTest::bodyText).toList();
        assertThat(received).hasSize(3);
        assertThat(received.subList(0, 2)).containsExactlyInAnyOrder(slow.text(), fast.text());
        assertThat(received.get(2)).isEqualTo(slow.text());
    }

    @Test
    void deadLettersAGarbageRecordAndStillSendsTheNextGoodOne() throws Exception {
        startDispatcher("dispatcher-" + run);
        String key = "ch-bad-" + run;
        byte[] garbage = ("\u0000garbage \"" + run).getBytes(StandardCharsets.UTF_8);
        SmsRequest good = new SmsRequest("m-good-" + run, key, "demo", "+15552220000", "code 111111 " + run,
                Instant.now().plusSeconds(300));

        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            // one key, one partition: the good record comes after the garbage
            raw.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), bytes(key), garbage)).get();
            raw.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), bytes(key),
                    Topics.SMS_OUTBOUND.valueSerde().serializer().serialize("x", DispatchLoopTest.CIPHER.seal(good)))).get();
        }

        assertThat(awaitStatuses(List.of(good)).get(key).delivery()).isEqualTo(Delivery.SENT);
        assertThat(receivedFor(run)).singleElement().satisfies(r -> assertReceivedAsConfigured(r, good));
        ConsumerRecord<byte[], byte[]> dead = awaitRecord(Topics.DEAD_LETTER.name(),
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key));
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.SMS_OUTBOUND.name());
        assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).matches("\\d+");
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).matches("\\d+");
        assertThat(header(dead, DeadLetters.ERROR)).contains("not a valid SmsRequest");
    }

    @Test
    void aRestartedWorkerGoesOnFromTheCommittedOffsetWithoutSendingAgain() throws Exception {
        String group = "dispatcher-" + run;
        SmsRequest first = request("r", "+15553330000", "first " + run);
        SmsRequest second = request("r", "+15553330000", "second " + run);
        SmsDispatcher worker = startDispatcher(group);
        produce(first);
        awaitStatuses(List.of(first));
        worker.stop();

        startDispatcher(group);
        produce(second);

        await().atMost(PATIENCE).until(() -> receivedFor(run).stream().anyMatch(r -> bodyText(r).equals(second.text())));
        assertThat(receivedFor(run)).extracting(SmsDispatcherKafkaTest::bodyText)
                .containsExactly(first.text(), second.text());
    }

    // --- helpers

    void assertReceivedAsConfigured(Received r, SmsRequest request) {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/send");
        assertThat(r.rawQuery()).isEqualTo("to=" + urlEncodedNumber(request.to()));
        assertThat(URLDecoder.decode(r.rawQuery().substring(3), StandardCharsets.UTF_8)).isEqualTo(request.to());
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("Authorization")).isEqualTo("Bearer abc");
        JsonNode body = json(r);
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("to").textValue()).isEqualTo(request.to());
        assertThat(body.get("text").textValue()).isEqualTo(request.text());
    }

    static String urlEncodedNumber(String e164) {
        return "%2B" + e164.substring(1);
    }

    /** Requests this test's provider got whose text carries this test's run id. */
    List<Received> receivedFor(String runId) {
        return provider.received().stream().filter(r -> bodyText(r).endsWith(runId)).toList();
    }

    static String bodyText(Received r) {
        return json(r).path("text").asText("");
    }

    static JsonNode json(Received r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("the provider got a body that is not JSON", e);
        }
    }

    void produce(SmsRequest request) throws Exception {
        try (KafkaProducer<String, SmsRequest> producer = new KafkaProducer<>(producerProps(),
                Topics.SMS_OUTBOUND.keySerde().serializer(), Topics.SMS_OUTBOUND.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), request.challengeId(), DispatchLoopTest.CIPHER.seal(request))).get();
        }
    }

    KafkaProducer<String, SmsRequest> transactionalProducer() {
        Properties p = producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-otp-stream-" + run);
        return new KafkaProducer<>(p, new StringSerializer(), Topics.SMS_OUTBOUND.valueSerde().serializer());
    }

    KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /** The latest status of each request's challenge, once every one has one. */
    Map<String, SmsStatus> awaitStatuses(List<SmsRequest> requests) {
        Map<String, SmsStatus> latest = new HashMap<>();
        try (KafkaConsumer<String, SmsStatus> consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.SMS_STATUS.name()));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, SmsStatus> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.key()).isEqualTo(r.value().challengeId());
                    latest.put(r.key(), r.value());
                }
                return requests.stream().allMatch(req -> latest.containsKey(req.challengeId()));
            });
        }
        return latest;
    }

    /** The first status reported for {@code messageId}. */
    SmsStatus awaitStatus(String messageId) {
        SmsStatus[] found = new SmsStatus[1];
        try (KafkaConsumer<String, SmsStatus> consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.SMS_STATUS.name()));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, SmsStatus> r : consumer.poll(Duration.ofMillis(200))) {
                    if (found[0] == null && r.value().messageId().equals(messageId)) {
                        found[0] = r.value();
                    }
                }
                return found[0] != null;
            });
        }
        return found[0];
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON", e);
        }
    }

    ConsumerRecord<byte[], byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (match.test(r)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + TestKafka.uniqueSuffix());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
