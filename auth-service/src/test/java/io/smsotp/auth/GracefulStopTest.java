package io.smsotp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.auth.reply.OtpGateway;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.Topic;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.Scrape;
import io.smsotp.testsupport.TestKafka;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * auth-service stopped while API calls wait for otp-stream, on a real broker and its real port.
 * The test plays otp-stream: it reads each command and answers when it chooses to.
 */
class GracefulStopTest {

    private static final String KEY = "graceful-stop-key-0123456789";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final CodeCipher CODE_CIPHER = new CodeCipher(new byte[32]);

    private Topic<String, OtpCommand> commands;
    private Topic<String, OtpEvent> events;
    private OtpGateway gateway;
    private AuthService service;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<OtpCommand> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void topics() {
        String suffix = TestKafka.uniqueSuffix();
        commands = new Topic<>(Topics.COMMANDS.name() + "-" + suffix, Topics.COMMANDS.keySerde(),
                Topics.COMMANDS.valueSerde());
        events = new Topic<>(Topics.EVENTS.name() + "-" + suffix, Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde());
        TestKafka.createTopics(List.of(commands, events), 3);
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop();
        }
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test
    void turnsNotReadyFirstThenClosesItsListenerAndStillAnswersTheRequestInProgress() throws Exception {
        // replies may take 20 s; the stop 10 s, of which the first 3 s it goes on serving
        start(Duration.ofSeconds(20), new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(20), null)
                .withShutdown(Duration.ofSeconds(10), Duration.ofSeconds(3)));
        int port = service.port();
        CompletableFuture<HttpResponse<String>> inProgress = createAsync(port);
        OtpCommand command = awaitCommand();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(service::stop);

        // not ready at once, while it still answers (the load balancer's cue to send no more)
        await("readiness 503").atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> ready = Scrape.get(port, ApiPaths.HEALTH_READY);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("stopping");
        });
        // then the listener closes: no new connection
        await("the listener closed").atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> refusesConnections(port));
        assertThat(inProgress).isNotDone();
        // the reply comes after that: the request in progress still gets it
        answer(command);

        HttpResponse<String> created = inProgress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(ApiJson.MAPPER.readTree(created.body()).get("status").asText()).isEqualTo("pending");
        stopping.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aRequestWhoseReplyDoesNotComeBeforeTheStopsEndGets503SayingSoNotACutConnection() throws Exception {
        // replies may take 30 s, but the stop may take 2 s
        start(Duration.ofSeconds(30), new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(30), null)
                .withShutdown(Duration.ofSeconds(2), Duration.ZERO));
        CompletableFuture<HttpResponse<String>> inProgress = createAsync(service.port());
        awaitCommand();

        service.stop();

        // long before the 30 s reply timeout: the stop answered it
        HttpResponse<String> refused = inProgress.get(20, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        JsonNode body = ApiJson.MAPPER.readTree(refused.body());
        assertThat(body.get("error").asText()).isEqualTo("unavailable");
        assertThat(body.get("message").asText()).contains("stopping");
        assertThat(gateway.pending()).isZero();
    }

    private void start(Duration replyTimeout, AuthSettings auth) {
        gateway = new OtpGateway(TestKafka.bootstrapServers(), replyTimeout, CODE_CIPHER, commands, events);
        gateway.start();
        SmsOtpConfig config = SmsOtpConfig.defaults().withAuth(auth)
                .withApps(List.of(new AppConfig("demo", null, KEY, null)));
        service = new AuthService(config, gateway).start();
    }

    private CompletableFuture<HttpResponse<String>> createAsync(int port) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ApiPaths.CHALLENGES))
                        .header("Authorization", "Bearer " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"to\": \"+1 (555) 123-4567\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first command on the test's commands topic. */
    private OtpCommand awaitCommand() {
        try (KafkaConsumer<String, OtpCommand> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                commands.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(commands.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("a command").atMost(PATIENCE).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, OtpCommand> r : consumer.poll(Duration.ofMillis(100))) {
                    seen.add(r.value());
                }
                return !seen.isEmpty();
            });
        }
        return seen.get(0);
    }

    /** otp-stream's reply to a create: made, pending. */
    private void answer(OtpCommand command) {
        ChallengeView view = new ChallengeView(ChallengeStatus.PENDING, "+15551234567", Instant.now().plusSeconds(300),
                5, Delivery.QUEUED, null);
        OtpEvent created = new OtpEvent.ChallengeCreated(command.challengeId(), command.requestId(),
                command.replyTo(), view);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(events.name(), created.challengeId(),
                    events.valueSerde().serializer().serialize(events.name(), created)));
        }
    }
}
