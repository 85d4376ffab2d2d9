package io.smsotp.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.consumer.DispatchLoopTest;
import io.smsotp.dispatcher.testing.FakeProvider;
import io.smsotp.dispatcher.testing.FakeProvider.Received;
import io.smsotp.dispatcher.testing.Groups;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three workers in one group share sms.outbound on the real broker; one of them, a separate JVM
 * started from {@link Main}, is killed (SIGKILL: no commit, no leave-group) while the messages
 * flow. Every message must still end with a final status, and duplicates may only come from the
 * records the killed worker held.
 */
class ScaleOutFaultTest {

    static final int MESSAGES = 3000;
    static final int PARTITIONS = 6;
    static final int MAX_IN_FLIGHT = 16;
    /** Of the killed worker: it holds at most this many records it has not committed as finished. */
    static final int MAX_PENDING = 64;
    /** The raw key material behind {@link DispatchLoopTest#CIPHER}. */
    static final byte[] KEY = "dispatch-loop-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    final String run = TestKafka.uniqueSuffix();
    final String group = "scale-out-" + run;
    final FakeProvider provider = new FakeProvider().answeringAfter(Duration.ofMillis(20));
    final List<SmsDispatcher> workers = new ArrayList<>();
    Process killed;

    @AfterEach
    void tearDown() {
        if (killed != null) {
            killed.destroyForcibly();
        }
        workers.forEach(SmsDispatcher::stop);
        provider.close();
    }

    ProviderConfig providerAt(String worker) {
        // each worker its own path, so that the provider can tell who sent what
        return new ProviderConfig("fake", provider.url("/" + worker + "?id=$ctx.id&to=$ctx.num"), "GET", null, null,
                null);
    }

    @Test
    void everyMessageEndsWithAStatusWhenAWorkerIsKilledAndOnlyItsHeldRecordsAreSentTwice() throws Exception {
        String bootstrap = TestKafka.bootstrapServers();
        TestKafka.createTopics(Topics.ALL, PARTITIONS);
        Groups.ensurePartitions(bootstrap, Topics.SMS_OUTBOUND.name(), PARTITIONS);
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        DispatcherSettings settings = new DispatcherSettings(group, Duration.ofSeconds(2), MAX_IN_FLIGHT, MAX_PENDING,
                null, null);
        for (String name : List.of("w1", "w2")) {
            SmsDispatcher w = new SmsDispatcher(settings, List.of(providerAt(name)), bootstrap, DispatchLoopTest.CIPHER);
            workers.add(w);
            w.start();
        }
        killed = startWorkerProcess(bootstrap, "w3");
        await("three workers in the group").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Groups.stableMembers(bootstrap, group) == 3);

        long start = System.nanoTime();
        Thread producing = new Thread(() -> produce(bootstrap), "fault-test-producer");
        producing.start();
        // kill it mid-load, once it is busy sending its share
        await("the third worker sending").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> sentBy("w3") >= 150);
        killed.destroyForcibly();
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        int sentByKilledWorker = sentBy("w3");
        producing.join(TimeUnit.SECONDS.toMillis(60));

        Map<String, SmsStatus> finals = awaitFinalStatuses(bootstrap);
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Long> perMessage = provider.received().stream().map(r -> r.query("id"))
                .filter(id -> id != null && id.endsWith(run))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long duplicates = perMessage.values().stream().filter(n -> n > 1).count();
        long extraSends = perMessage.values().stream().mapToLong(n -> n - 1).sum();
        System.out.printf("scale-out fault test: %d messages, 3 workers on %d partitions, worker w3 killed after it"
                        + " sent %d (%.1f s into the run); w1 sent %d, w2 %d; all %d reported in %.1f s;"
                        + " %d messages sent twice (%d extra sends), bound %d%n",
                MESSAGES, PARTITIONS, sentByKilledWorker, (killedAt - start) / 1e9, sentBy("w1"), sentBy("w2"),
                finals.size(), seconds, duplicates, extraSends, MAX_PENDING);

        // nothing lost: every message reached the provider and was reported sent
        assertThat(finals).hasSize(MESSAGES);
        assertThat(finals.values()).allMatch(s -> s.delivery() == Delivery.SENT);
        assertThat(perMessage).hasSize(MESSAGES);
        // the load was shared, and the survivors took over the killed worker's partitions
        assertThat(sentBy("w1")).isPositive();
        assertThat(sentBy("w2")).isPositive();
        // a duplicate needs a record the killed worker read and had not committed as finished: at
        // most its maxPending (it pauses reading before a poll could take it past that); the
        // survivors hand partitions over cleanly (commit with the finished ones listed)
        assertThat(duplicates).isLessThanOrEqualTo(MAX_PENDING);
        assertThat(perMessage.values()).allMatch(n -> n <= 2);
    }

    int sentBy(String worker) {
        int n = 0;
        for (Received r : provider.received()) {
            if (r.rawPath().equals("/" + worker)) {
                n++;
            }
        }
        return n;
    }

    /** A worker in its own JVM, from the production entry point, configured by environment variables. */
    Process startWorkerProcess(String bootstrap, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SMSOTP_SMSENCRYPTIONKEY", Base64.getEncoder().encodeToString(KEY));
        env.put("SMSOTP_DISPATCHER_GROUPID", group);
        env.put("SMSOTP_DISPATCHER_REQUESTTIMEOUT", "PT2S");
        env.put("SMSOTP_DISPATCHER_MAXINFLIGHT", Integer.toString(MAX_IN_FLIGHT));
        env.put("SMSOTP_DISPATCHER_MAXPENDING", Integer.toString(MAX_PENDING));
        env.put("SMSOTP_PROVIDERS_0_NAME", "fake");
        env.put("SMSOTP_PROVIDERS_0_URL", providerAt(name).url());
        Path log = Path.of("target", "scale-out-" + name + "-" + run + ".log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    void produce(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(10));
        try (KafkaProducer<String, SmsRequest> producer = new KafkaProducer<>(p, new StringSerializer(),
                Topics.SMS_OUTBOUND.valueSerde().serializer())) {
            // about 600 a second, so that the kill lands while they flow
            long interval = TimeUnit.SECONDS.toNanos(1) / 600;
            long t0 = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                long due = t0 + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                SmsRequest r = new SmsRequest("m-" + i + "-" + run, "ch-" + i + "-" + run, "demo",
                        "+1555" + String.format("%07d", i), "Your code is " + (100000 + i), expiresAt);
                producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), r.challengeId(),
                        DispatchLoopTest.CIPHER.seal(r)));
            }
        }
    }

    /** Each message's first final status (sent, failed or dropped), once every message has one. */
    Map<String, SmsStatus> awaitFinalStatuses(String bootstrap) {
        Map<String, SmsStatus> finals = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + run);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, SmsStatus> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.SMS_STATUS.name()));
            await("a final status for every message").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, SmsStatus> r : consumer.poll(Duration.ofMillis(200))) {
                            SmsStatus s = r.value();
                            if (s.messageId().endsWith(run) && s.delivery() != Delivery.QUEUED) {
                                finals.putIfAbsent(s.messageId(), s);
                            }
                        }
                        return finals.size() >= MESSAGES;
                    });
        }
        return finals;
    }
}
