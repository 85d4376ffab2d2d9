package io.smsotp.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.consumer.DispatchLoopTest;
import io.smsotp.dispatcher.testing.FakeProvider;
import io.smsotp.dispatcher.testing.Groups;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.smsotp.metrics.HealthPaths;
import io.smsotp.testsupport.Scrape;
import io.smsotp.testsupport.TestKafka;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** sms-dispatcher's health and metrics endpoints, on a real broker and a local provider. */
class SmsDispatcherHealthTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static String bootstrap;

    private final String run = TestKafka.uniqueSuffix();
    private final String group = "dispatcher-health-" + run;
    private final FakeProvider provider = new FakeProvider().answering(202);
    private final List<SmsDispatcher> dispatchers = new ArrayList<>();

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

    private SmsDispatcher dispatcher(int managementPort) {
        ProviderConfig sink = new ProviderConfig("sink", provider.url("/send"), "POST",
                Map.of("Content-Type", "application/json"), "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\"}",
                List.of(202));
        SmsDispatcher d = new SmsDispatcher(new DispatcherSettings(group, Duration.ofSeconds(2), 8, null, null, null,
                managementPort), List.of(sink), bootstrap, DispatchLoopTest.CIPHER);
        dispatchers.add(d);
        return d;
    }

    @Test
    void isLiveAtOnceAndReadyOnceItIsInTheGroup() {
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        SmsDispatcher d = dispatcher(0);
        d.start();
        int port = d.managementPort();

        assertThat(Scrape.get(port, HealthPaths.LIVE).statusCode()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> ready = Scrape.get(port, HealthPaths.READY);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
        });
        assertThat(d.ownedPartitions()).isEqualTo(3);
    }

    @Test
    void isNotReadyBeforeItStartsNorAfterItStops() {
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        SmsDispatcher d = dispatcher(-1);
        assertThat(d.problems()).containsExactly("the dispatch loop is not running");
        d.start();
        await().atMost(PATIENCE).until(() -> d.problems().isEmpty());

        d.stop();

        assertThat(d.problems()).containsExactly("the dispatch loop is not running");
        assertThat(d.managementPort()).isEqualTo(-1);
    }

    @Test
    void isNotReadyOnceItsBrokerIsGone(@TempDir Path dir) {
        // a broker of this test's own: the shared one must outlive it
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start();
        try {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), Topics.ALL.stream().map(t -> t.name()).toList(), 3,
                    (short) 1, Map.of());
            SmsDispatcher d = new SmsDispatcher(new DispatcherSettings(group, Duration.ofSeconds(2), 8, null, null,
                    null, 0), List.of(), broker.bootstrapServers(), DispatchLoopTest.CIPHER);
            dispatchers.add(d);
            d.start();
            await().atMost(PATIENCE).until(() -> Scrape.get(d.managementPort(), HealthPaths.READY).statusCode() == 200);

            broker.close();

            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> ready = Scrape.get(d.managementPort(), HealthPaths.READY);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("not connected to Kafka");
            });
        } finally {
            broker.close();
        }
    }

    @Test
    void aWorkerLeftWithoutPartitionsIsReadyAsTheGroupHasMoreWorkersThanPartitions() {
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        for (int i = 0; i < 4; i++) {
            dispatcher(-1).start();
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(dispatchers).allSatisfy(d -> assertThat(d.problems()).isEmpty());
            assertThat(dispatchers.stream().mapToInt(SmsDispatcher::ownedPartitions).sum()).isEqualTo(3);
        });
        assertThat(dispatchers).filteredOn(d -> d.ownedPartitions() == 0).hasSize(1);
    }

    @Test
    void metersEachSendPerProviderWithLatencyBreakerStateAndConsumerLag() {
        Groups.startAtEnd(bootstrap, group, Topics.SMS_OUTBOUND.name());
        SmsDispatcher d = dispatcher(0);
        d.start();
        int port = d.managementPort();
        await().atMost(PATIENCE).until(() -> d.problems().isEmpty());
        SmsRequest request = new SmsRequest("m-health-" + run, "ch-health-" + run, "demo", "+15551230000",
                "Your demo code is 123456", Instant.now().plusSeconds(300));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), request.challengeId(),
                    Topics.SMS_OUTBOUND.valueSerde().serializer().serialize(Topics.SMS_OUTBOUND.name(),
                            DispatchLoopTest.CIPHER.seal(request))));
        }
        provider.awaitReceived(1);

        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> scrape = Scrape.get(port, HealthPaths.METRICS);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            String body = scrape.body();
            assertThat(Scrape.value(body, "smsotp_sms_total", "outcome=\"sent\"", "provider=\"sink\""))
                    .contains(1.0);
            assertThat(Scrape.value(body, "smsotp_sms_total", "outcome=\"failed\"", "provider=\"sink\""))
                    .contains(0.0);
            assertThat(Scrape.value(body, "smsotp_sms_retries_total", "provider=\"sink\"")).contains(0.0);
            assertThat(Scrape.value(body, "smsotp_provider_latency_seconds_count", "provider=\"sink\"",
                    "result=\"sent\"")).contains(1.0);
            assertThat(body).contains("smsotp_provider_latency_seconds_bucket{");
            assertThat(Scrape.value(body, "resilience4j_circuitbreaker_state", "name=\"provider-sink\"",
                    "state=\"closed\"")).contains(1.0);
            assertThat(Scrape.value(body, "resilience4j_circuitbreaker_state", "name=\"provider-sink\"",
                    "state=\"open\"")).contains(0.0);
            assertThat(Scrape.value(body, "resilience4j_circuitbreaker_calls_seconds_count", "name=\"provider-sink\"",
                    "kind=\"successful\"")).contains(1.0);
            assertThat(body).contains("resilience4j_circuitbreaker_failure_rate{",
                    "resilience4j_circuitbreaker_buffered_calls{", "resilience4j_circuitbreaker_not_permitted_calls_total{");
            assertThat(body).contains("kafka_consumer_fetch_manager_records_lag_max", "kafka_producer_",
                    "jvm_memory_used_bytes{", "service=\"sms-dispatcher\"");
        });
    }
}
