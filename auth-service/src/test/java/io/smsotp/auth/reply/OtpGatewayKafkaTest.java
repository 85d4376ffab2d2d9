package io.smsotp.auth.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.challenge.CommandsUnavailableException;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.Topic;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.RawTopics;
import io.smsotp.testsupport.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OtpGateway} on a real broker. A small responder in this test plays otp-stream's side of
 * the reply protocol: it reads each command and answers on the events topic in a transaction,
 * first with a decoy addressed to another instance, then with the real reply. Challenge ids that
 * start with {@code silent} get no answer.
 */
class OtpGatewayKafkaTest {

    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(2_000);
    private static final OtpPolicy POLICY = OtpPolicy.DEFAULT;
    private static final CodeCipher CODE_CIPHER = new CodeCipher(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
            30, 31, 32});

    private Topic<String, OtpCommand> commands;
    private Topic<String, OtpEvent> events;
    private Responder responder;
    private OtpGateway gateway;

    @BeforeEach
    void setUp() {
        String suffix = TestKafka.uniqueSuffix();
        commands = new Topic<>(Topics.COMMANDS.name() + "-" + suffix, Topics.COMMANDS.keySerde(),
                Topics.COMMANDS.valueSerde());
        events = new Topic<>(Topics.EVENTS.name() + "-" + suffix, Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde());
        TestKafka.createTopics(List.of(commands, events), 3);
        responder = new Responder();
        gateway = new OtpGateway(TestKafka.bootstrapServers(), REPLY_TIMEOUT, CODE_CIPHER, commands, events);
        gateway.start();
    }

    @AfterEach
    void tearDown() {
        gateway.stop();
        responder.close();
    }

    @Test
    void makesEachChallengeIdLandOnItsNumbersPartitionOfTheCommandsTopic() {
        for (int n = 0; n < 30; n++) {
            String number = "+1555000" + String.format("%04d", n);

            String id = gateway.newChallengeId(number);

            assertThat(id).matches("[A-Za-z0-9_-]{22}");
            assertThat(ChallengePlacement.partitionOf(id, 3)).isEqualTo(ChallengePlacement.partitionOfNumber(number, 3));
        }
    }

    @Test
    void completesRequestWithTheReplyAddressedToThisInstance() {
        OtpEvent reply = gateway.create("challenge-a-0000000000001", "demo", "Demo", "+15551234567", POLICY)
                .toCompletableFuture().join();

        assertThat(reply).isInstanceOfSatisfying(OtpEvent.ChallengeCreated.class, created -> {
            assertThat(created.challengeId()).isEqualTo("challenge-a-0000000000001");
            assertThat(created.replyTo()).isEqualTo(gateway.instanceId());
            assertThat(created.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
        });
    }

    @Test
    void publishesCommandsKeyedByChallengeWithRequestIdAndReplyTo() {
        gateway.status("challenge-b-0000000000001", "demo").toCompletableFuture().join();
        gateway.status("challenge-b-0000000000002", "demo").toCompletableFuture().join();

        assertThat(responder.seen()).hasSize(2).allSatisfy(rec -> {
            assertThat(rec.key()).isEqualTo(rec.value().challengeId());
            assertThat(rec.value().replyTo()).isEqualTo(gateway.instanceId());
            assertThat(rec.value().requestId()).isNotBlank();
            assertThat(rec.value().appId()).isEqualTo("demo");
        });
        assertThat(responder.seen().get(0).value().requestId())
                .isNotEqualTo(responder.seen().get(1).value().requestId());
    }

    @Test
    void ignoresRepliesForAnotherInstanceAndAbortedReplies() {
        // the responder sends, before the real outcome (valid=false), an aborted reply and one
        // for another instance, both saying valid=true
        OtpEvent reply = gateway.verify("challenge-c-0000000000001", "demo", "123456").toCompletableFuture().join();

        assertThat(reply).isInstanceOfSatisfying(OtpEvent.CodeChecked.class, checked -> {
            assertThat(checked.valid()).isFalse();
            assertThat(checked.replyTo()).isEqualTo(gateway.instanceId());
        });
    }

    @Test
    void publishesTheTypedCodeSealedToItsChallengeAndNeverInClear() {
        // only what goes out matters here: a silent challenge gets no reply
        gateway.verify("silent-s-00000000000001", "demo", "8675309123");
        await().atMost(Duration.ofSeconds(30)).until(() -> !responder.seen().isEmpty());

        List<ConsumerRecord<byte[], byte[]>> onTopic = RawTopics.readAll(TestKafka.bootstrapServers(),
                List.of(commands.name()));
        assertThat(onTopic).hasSize(1);
        assertThat(new String(onTopic.get(0).value(), StandardCharsets.UTF_8)).doesNotContain("8675309123");
        OtpCommand.VerifyCode sent = (OtpCommand.VerifyCode) responder.seen().get(0).value();
        assertThat(sent.code()).startsWith(CodeCipher.PREFIX);
        assertThat(CODE_CIPHER.open(sent)).isEqualTo("8675309123");
        OtpCommand.VerifyCode replayed = new OtpCommand.VerifyCode("silent-s-00000000000002", "demo", sent.code(),
                "r", "i");
        assertThatThrownBy(() -> CODE_CIPHER.open(replayed)).hasMessageContaining("another challenge");
    }

    @Test
    void skipsAnUnreadableEventAndKeepsAnswering() {
        responder.publishGarbage("challenge-d-0000000000001");

        OtpEvent reply = gateway.status("challenge-d-0000000000001", "demo").toCompletableFuture().join();

        assertThat(reply).isInstanceOf(OtpEvent.ChallengeState.class);
    }

    @Test
    void failsAsUnavailableWhenNoReplyComesInTime() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> gateway.status("silent-0000000000000001", "demo").toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CommandsUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(REPLY_TIMEOUT);
    }

    @Test
    void failsAtOnceWhenTooManyRequestsAlreadyWait() {
        OtpGateway small = new OtpGateway(TestKafka.bootstrapServers(), Duration.ofSeconds(30), 1, CODE_CIPHER, commands,
                events);
        small.start();
        try {
            var first = small.status("silent-0000000000000002", "demo").toCompletableFuture();
            long start = System.nanoTime();
            assertThatThrownBy(() -> small.status("silent-0000000000000003", "demo").toCompletableFuture().join())
                    .hasCauseInstanceOf(CommandsUnavailableException.class).hasMessageContaining("busy");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(first).isNotDone();
        } finally {
            small.stop();
        }
    }

    @Test
    void answersOverHttpThroughKafkaAnd503WithoutReply() throws Exception {
        String key = "http-test-key-0123456789";
        SmsOtpConfig config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, REPLY_TIMEOUT, null))
                .withApps(List.of(new AppConfig("demo", null, key, null)));
        AuthService service = new AuthService(config, gateway).start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + service.port() + ApiPaths.CHALLENGES))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\": \"+1 (555) 123-4567\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(ApiJson.MAPPER.readTree(created.body()).get("to").asText()).isEqualTo("+*******4567");

            HttpResponse<String> silent = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + service.port() + ApiPaths.challenge("silent0000000000000000")))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = ApiJson.MAPPER.readTree(silent.body());
            assertThat(silent.statusCode()).isEqualTo(503);
            assertThat(body.get("error").asText()).isEqualTo("unavailable");
        } finally {
            service.stop();
        }
    }

    @Test
    void failsAsUnavailableOnceStopped() {
        gateway.stop();

        assertThatThrownBy(() -> gateway.status("challenge-e-0000000000001", "demo").toCompletableFuture().join())
                .hasCauseInstanceOf(CommandsUnavailableException.class);
    }

    /** Plays otp-stream's reply protocol: reads commands, answers each in a transaction. */
    private final class Responder implements AutoCloseable {

        private final KafkaConsumer<String, OtpCommand> consumer;
        private final KafkaProducer<String, byte[]> producer;
        private final List<ConsumerRecord<String, OtpCommand>> seen = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Responder() {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(c, new StringDeserializer(), commands.valueSerde().deserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(commands.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "responder-" + commands.name());
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            producer.initTransactions();

            thread = new Thread(this::run, "test-responder");
            thread.start();
        }

        List<ConsumerRecord<String, OtpCommand>> seen() {
            return List.copyOf(seen);
        }

        void publishGarbage(String key) {
            synchronized (producer) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(events.name(), key, "{\"type\":\"no-such-event\"}".getBytes()));
                producer.send(new ProducerRecord<>(events.name(), key, "not json at all".getBytes()));
                producer.commitTransaction();
            }
        }

        private void run() {
            try {
                while (running) {
                    for (ConsumerRecord<String, OtpCommand> rec : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(rec);
                        answer(rec.value());
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }

        private void answer(OtpCommand command) {
            String id = command.challengeId();
            if (id.startsWith("silent")) {
                return;
            }
            ChallengeView view = new ChallengeView(ChallengeStatus.PENDING, "+15551234567",
                    Instant.now().plusSeconds(300), 5, Delivery.QUEUED, null);
            synchronized (producer) {
                if (command instanceof OtpCommand.VerifyCode) {
                    // an outcome that never committed must never be read
                    producer.beginTransaction();
                    send(new OtpEvent.CodeChecked(id, command.requestId(), command.replyTo(), true, true, view));
                    producer.flush();
                    producer.abortTransaction();
                }
                producer.beginTransaction();
                send(reply(command, "auth-another-instance", true, view));
                send(reply(command, command.replyTo(), false, view));
                producer.commitTransaction();
            }
        }

        private OtpEvent reply(OtpCommand command, String replyTo, boolean decoy, ChallengeView view) {
            String id = command.challengeId();
            if (command instanceof OtpCommand.CreateChallenge) {
                return decoy
                        ? new OtpEvent.CommandRejected(id, command.requestId(), replyTo, "duplicate", "decoy")
                        : new OtpEvent.ChallengeCreated(id, command.requestId(), replyTo, view);
            }
            if (command instanceof OtpCommand.VerifyCode) {
                return new OtpEvent.CodeChecked(id, command.requestId(), replyTo, decoy, true, view);
            }
            return decoy
                    ? new OtpEvent.CommandRejected(id, command.requestId(), replyTo, "not_found", "decoy")
                    : new OtpEvent.ChallengeState(id, command.requestId(), replyTo, view);
        }

        private void send(OtpEvent event) {
            producer.send(new ProducerRecord<>(events.name(), event.challengeId(),
                    events.valueSerde().serializer().serialize(events.name(), event)));
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close(Duration.ofSeconds(5));
        }
    }

}
