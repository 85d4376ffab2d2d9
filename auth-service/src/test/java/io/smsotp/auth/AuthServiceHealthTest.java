package io.smsotp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.auth.reply.OtpGateway;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.Topic;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import io.smsotp.testsupport.Scrape;
import io.smsotp.testsupport.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** auth-service's health and metrics routes, on its real port. */
class AuthServiceHealthTest {

    private static final String DEMO_KEY = "demo-key-0123456789abcdef";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private AuthService service;
    private OtpGateway gateway;

    @AfterEach
    void stop() {
        if (service != null) {
            service.stop();
        }
        if (gateway != null) {
            gateway.stop();
        }
    }

    private SmsOtpConfig config() {
        return SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withApps(List.of(new AppConfig("demo", "Demo Shop", DEMO_KEY, null)))
                .withUsers(List.of(new UserConfig("alice", "correct horse battery", null,
                        new UserConfig.Claims("+15551234567", false, null))));
    }

    @Test
    void isLiveAtOnceAndReadyOnlyOnceTheGatewayReadsEveryPartitionOfTheEvents() {
        String suffix = TestKafka.uniqueSuffix();
        Topic<String, OtpCommand> commands = new Topic<>(Topics.COMMANDS.name() + "-" + suffix,
                Topics.COMMANDS.keySerde(), Topics.COMMANDS.valueSerde());
        Topic<String, OtpEvent> events = new Topic<>(Topics.EVENTS.name() + "-" + suffix, Topics.EVENTS.keySerde(),
                Topics.EVENTS.valueSerde());
        TestKafka.createTopics(List.of(commands, events), 3);
        gateway = new OtpGateway(TestKafka.bootstrapServers(), Duration.ofSeconds(2),
                new CodeCipher(new byte[32]), commands, events);
        service = AuthService.withLogin(config(), gateway).start();

        HttpResponse<String> live = Scrape.get(service.port(), ApiPaths.HEALTH_LIVE);
        HttpResponse<String> notYet = Scrape.get(service.port(), ApiPaths.HEALTH_READY);
        gateway.start();

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).contains("\"status\":\"DOWN\"", "not listening for otp-stream's replies");
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> ready = Scrape.get(service.port(), ApiPaths.HEALTH_READY);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
        });
        String metrics = Scrape.get(service.port(), ApiPaths.METRICS).body();
        assertThat(metrics).contains("kafka_consumer_", "kafka_producer_");
        assertThat(Scrape.value(metrics, "smsotp_auth_pending_replies", "service=\"auth-service\"")).contains(0.0);

        gateway.stop();

        assertThat(Scrape.get(service.port(), ApiPaths.HEALTH_READY).statusCode()).isEqualTo(503);
    }

    @Test
    void isNotReadyOnceItsBrokerIsGone() throws Exception {
        // a broker of this test's own: the shared one must outlive it
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0).start();
        try {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), List.of(Topics.COMMANDS.name(), Topics.EVENTS.name()),
                    3, (short) 1, java.util.Map.of());
            gateway = new OtpGateway(broker.bootstrapServers(), Duration.ofSeconds(2), new CodeCipher(new byte[32]));
            gateway.start();
            service = AuthService.withLogin(config(), gateway).start();
            await().atMost(PATIENCE).until(() -> Scrape.get(service.port(), ApiPaths.HEALTH_READY).statusCode() == 200);

            broker.close();

            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> ready = Scrape.get(service.port(), ApiPaths.HEALTH_READY);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("not connected to Kafka");
            });
        } finally {
            broker.close();
        }
    }

    @Test
    void isNotReadyOnceTheUserDatabaseStopsAnswering() {
        service = AuthService.withLogin(config(), new InMemoryWriter()).start();
        assertThat(Scrape.get(service.port(), ApiPaths.HEALTH_READY).statusCode()).isEqualTo(200);

        service.users().close();

        HttpResponse<String> ready = Scrape.get(service.port(), ApiPaths.HEALTH_READY);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("the user database does not answer");
        assertThat(Scrape.get(service.port(), ApiPaths.HEALTH_LIVE).statusCode()).isEqualTo(200);
    }

    @Test
    void countsEachOutcomeAndTimesEachRequestByItsRouteTemplateWithoutAnApiKey() throws Exception {
        service = new AuthService(config(), new InMemoryWriter()).start();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + ApiPaths.CHALLENGES))
                .header("Authorization", "Bearer " + DEMO_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+15551234567\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> scrape = Scrape.get(service.port(), ApiPaths.METRICS);
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            String body = scrape.body();
            assertThat(Scrape.value(body, "smsotp_auth_replies_total", "command=\"create\"", "outcome=\"created\""))
                    .contains(1.0);
            assertThat(Scrape.value(body, "smsotp_auth_replies_total", "command=\"verify\"", "outcome=\"valid\""))
                    .contains(0.0);
            assertThat(Scrape.value(body, "http_server_requests_seconds_count", "method=\"POST\"", "status=\"201\"",
                    "uri=\"" + ApiPaths.CHALLENGES + "\"")).contains(1.0);
            assertThat(body).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads{",
                    "service=\"auth-service\"");
        });
        assertThat(Scrape.get(service.port(), ApiPaths.CHALLENGES).statusCode()).as("the API still needs its key")
                .isEqualTo(401);
    }
}
