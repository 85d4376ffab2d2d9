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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker stopped (in this JVM, or a separate one by SIGTERM) while a provider call is open: it
 * finishes that send, reports and commits it, and leaves the group, so that another worker takes
 * its partitions at once and does not send the finished one again. Every worker here has a
 * 60 s session timeout: a take-over within 30 s can only come from the stopped one leaving.
 */
class GracefulStopTest {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Far longer than any wait below: a member that did not leave would stay this long. */
    static final String SESSION_TIMEOUT_MS = "60000";
    /** How long the provider takes to answer: the send is open while the worker is told to stop. */
    static final Duration PROVIDER_LATENCY = Duration.ofSeconds(2);
    static String bootstrap;

    final String run = TestKafka.uniqueSuffix();
    final String group = "graceful-" + run;
    final FakeProvider provider = new FakeProvider().answeringAfter(PROVIDER_LATENCY);
    final List<SmsDispatcher> workers = new ArrayList<>();
    Process process;

    @BeforeAll
    static void broker() {
        bootstrap = TestKafka.bootstrapServers();
        TestKafka.createTopics(Topics.ALL, 3);
    }

    @AfterEach
    void tearDown() {
        if (process != null) {
            process.destroyForcibly();
        }
        workers.forEach(SmsDispatcher::stop);
        provider.close();
    }

    @Test
    void aStoppedWorkerFinishesItsOpenSendCommitsItAndLeavesSoTheOtherTakesOverAtOnce() throws Exception {
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        int partitions = Groups.partitions(bootstrap, Topics.SMS_OUTBOUND.name());
        SmsDispatcher a = worker("a");
        SmsDispatcher b = worker("b");
        await("both workers sharing every partition").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Groups.stableMembers(bootstrap, group) == 2
                        && a.ownedPartitions() + b.ownedPartitions() == partitions);
        SmsRequest first = request("first");
        produce(first);
        Received call = awaitCall(first);
        SmsDispatcher sending = call.rawPath().equals("/a") ? a : b;
        SmsDispatcher other = sending == a ? b : a;
        String sendingName = sending == a ? "a" : "b";
        String otherName = sending == a ? "b" : "a";

        // the provider has not answered yet
        sending.stop();

        // the open send was finished and reported by the worker that made it, once
        SmsStatus status = awaitStatus(first.messageId());
        assertThat(status.delivery()).isEqualTo(Delivery.SENT);
        assertThat(status.provider()).isEqualTo("via-" + sendingName);
        // it left the group: the other has every partition long before a 60 s session could end
        await("the other worker owning every partition").atMost(Duration.ofSeconds(30))
                .until(() -> other.ownedPartitions() == partitions);
        // and goes on from the commit: the next request of the same challenge (same partition), not the first again
        SmsRequest second = request("second");
        produce(second);
        SmsStatus next = awaitStatus(second.messageId());
        assertThat(next.delivery()).isEqualTo(Delivery.SENT);
        assertThat(next.provider()).isEqualTo("via-" + otherName);
        assertThat(callsFor(first)).hasSize(1);
        assertThat(callsFor(second)).singleElement().satisfies(r -> assertThat(r.rawPath()).isEqualTo("/" + otherName));
    }

    @Test
    void sigtermMakesAWorkerProcessFinishItsOpenSendLeaveTheGroupAndExitZero() throws Exception {
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        Path log = Path.of("target", "graceful-stop-" + run + ".log");
        process = startWorkerProcess("p", log);
        await("the worker process in the group").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Groups.stableMembers(bootstrap, group) == 1);
        SmsRequest first = request("first");
        produce(first);
        awaitCall(first);

        // SIGTERM on Linux, while the provider has not answered yet
        process.destroy();

        assertThat(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        // 0, not the JVM's 143; a stop past its bound would have been halted with 1
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("stopping: polling stopped; draining 1 in-flight sends")
                .contains("drained in").contains("committed ").contains("left group " + group)
                .contains("flushed and closed the producer").containsPattern("stopped in \\d+ ms");
        SmsStatus status = awaitStatus(first.messageId());
        assertThat(status.delivery()).isEqualTo(Delivery.SENT);
        assertThat(status.provider()).isEqualTo("via-p");
        // it left the group rather than waiting out its 60 s session
        await("the group empty").atMost(Duration.ofSeconds(30)).until(() -> Groups.members(bootstrap, group) == 0);

        // a new worker goes on from its commit: the finished send is not made again
        worker("y");
        SmsRequest second = request("second");
        produce(second);
        assertThat(awaitStatus(second.messageId()).provider()).isEqualTo("via-y");
        assertThat(callsFor(first)).singleElement().satisfies(r -> assertThat(r.rawPath()).isEqualTo("/p"));
    }

    SmsDispatcher worker(String name) {
        SmsDispatcher w = new SmsDispatcher(new DispatcherSettings(group, Duration.ofSeconds(5), 8, null, null, null),
                List.of(providerAt(name)), bootstrap, DispatchLoopTest.CIPHER,
                Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS));
        workers.add(w);
        w.start();
        return w;
    }

    ProviderConfig providerAt(String worker) {
        // each worker its own path and provider name, so that the provider and the reports tell who sent
        return new ProviderConfig("via-" + worker, provider.url("/" + worker + "?id=$ctx.id&to=$ctx.num"), "GET",
                null, null, null);
    }

    /** A worker in its own JVM, from the production entry point, configured by environment variables. */
    Process startWorkerProcess(String name, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the shipped logging configuration (INFO), not the tests' quiet one that the class path also holds
        String logging = "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", logging, "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SMSOTP_SMSENCRYPTIONKEY", Base64.getEncoder().encodeToString(ScaleOutFaultTest.KEY));
        env.put("SMSOTP_DISPATCHER_GROUPID", group);
        env.put("SMSOTP_DISPATCHER_MANAGEMENTPORT", "-1");
        env.put("SMSOTP_KAFKA_PROPERTIES", "{session.timeout.ms: '" + SESSION_TIMEOUT_MS + "'}");
        env.put("SMSOTP_PROVIDERS_0_NAME", providerAt(name).name());
        env.put("SMSOTP_PROVIDERS_0_URL", providerAt(name).url());
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    SmsRequest request(String name) {
        // one challenge: every request of a test on one partition
        return new SmsRequest("m-" + name + "-" + run, "ch-graceful-" + run, "demo", "+15557770000",
                "code " + name + " " + run, Instant.now().plusSeconds(300));
    }

    void produce(SmsRequest request) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, SmsRequest> producer = new KafkaProducer<>(p,
                Topics.SMS_OUTBOUND.keySerde().serializer(), Topics.SMS_OUTBOUND.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), request.challengeId(),
                    DispatchLoopTest.CIPHER.seal(request))).get();
        }
    }

    /** The provider's first request for {@code request}, once it came. */
    Received awaitCall(SmsRequest request) {
        await("the provider called for " + request.messageId()).atMost(PATIENCE).until(() -> !callsFor(request).isEmpty());
        return callsFor(request).get(0);
    }

    List<Received> callsFor(SmsRequest request) {
        return provider.received().stream().filter(r -> request.messageId().equals(r.query("id"))).toList();
    }

    /** The first status reported for {@code messageId}. */
    SmsStatus awaitStatus(String messageId) {
        SmsStatus[] found = new SmsStatus[1];
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "graceful-reader-" + TestKafka.uniqueSuffix());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, SmsStatus> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.SMS_STATUS.name()));
            await("a status of " + messageId).atMost(PATIENCE).until(() -> {
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
}
