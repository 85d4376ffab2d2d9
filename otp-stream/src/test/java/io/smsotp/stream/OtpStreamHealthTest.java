package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.Topics;
import io.smsotp.metrics.HealthPaths;
import io.smsotp.testsupport.Scrape;
import io.smsotp.testsupport.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** otp-stream's health and metrics endpoints, on a real broker. */
class OtpStreamHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private OtpStreamService service;

    @BeforeEach
    void create() {
        String servers = TestKafka.bootstrapServers();
        TestKafka.createTopics(Topics.ALL, 3);
        StreamSettings stream = new StreamSettings("otp-stream-health-" + TestKafka.uniqueSuffix(),
                TopologyFixture.randomKey(), null, null, stateDir.toString(), null, 0);
        SmsOtpConfig config = SmsOtpConfig.defaults().withStream(stream)
                .withKafka(new KafkaSettings(servers, 3, (short) 1))
                .withSmsEncryptionKey(TopologyFixture.randomKey()).withCodeEncryptionKey(TopologyFixture.randomKey());
        service = new OtpStreamService(config);
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    @Test
    void isLiveAtOnceAndReadyOnceKafkaStreamsRuns() {
        CompletableFuture<Void> starting = CompletableFuture.runAsync(service::start);
        await().atMost(WAIT).until(() -> service.managementPort() > 0 || starting.isDone());
        int port = service.managementPort();

        assertThat(Scrape.get(port, HealthPaths.LIVE).statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> ready = Scrape.get(port, HealthPaths.READY);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
        });
        starting.join();
        assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    void isNotReadyBeforeItStartsNorAfterItStops() {
        assertThat(service.problems()).containsExactly("Kafka Streams is NOT_RUNNING");
        service.start();
        assertThat(service.problems()).isEmpty();

        service.stop();

        assertThat(service.problems()).containsExactly("Kafka Streams is NOT_RUNNING");
        assertThat(service.managementPort()).isEqualTo(-1);
    }

    @Test
    void servesJvmKafkaStreamsAndChallengeMetricsInPrometheusFormat() {
        service.start();
        int port = service.managementPort();
        String id = TestKafka.challengeIdFor("+15550001234");
        OtpCommand create = new OtpCommand.CreateChallenge(id, "demo", "Demo", "+15550001234", OtpPolicy.DEFAULT,
                "198.51.100.9", "r-health", "health-test");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id,
                    Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), create)));
        }

        // a new application id reads otp.commands from the start: creates of earlier tests in this
        // JVM count too, so the figure is at least ours
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> metrics = Scrape.get(port, HealthPaths.METRICS);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body()).contains("jvm_memory_used_bytes{", "jvm_gc_", "process_uptime_seconds",
                    "kafka_stream_thread_", "service=\"otp-stream\"");
            assertThat(Scrape.value(metrics.body(), "smsotp_challenges_total", "outcome=\"created\""))
                    .hasValueSatisfying(created -> assertThat(created).isGreaterThanOrEqualTo(1.0));
        });
        assertThat(Scrape.value(Scrape.get(port, HealthPaths.METRICS).body(), "smsotp_challenges_total",
                "outcome=\"expired\"")).isPresent();
    }
}
