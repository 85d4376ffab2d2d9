package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.Topics;
import io.smsotp.testsupport.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two otp-stream instances share the work; one stops. It must leave the group as it closes, so
 * that the other takes every task at once rather than after the stopped member's session (45 s,
 * Kafka Streams' default) runs out, and then answers commands on every partition.
 */
class GracefulStopTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Well under the 45 s session timeout of Kafka Streams' members. */
    private static final Duration TAKE_OVER = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final String servers = TestKafka.bootstrapServers();
    private final String applicationId = "otp-stream-stop-" + TestKafka.uniqueSuffix();
    private final List<OtpStreamService> services = new ArrayList<>();

    @AfterEach
    void stopAll() {
        services.forEach(OtpStreamService::stop);
    }

    @Test
    void aStoppingInstanceLeavesTheGroupSoThatTheOtherTakesEveryTaskAtOnce() {
        TestKafka.createTopics(Topics.ALL, 3);
        StreamSettings stream = new StreamSettings(applicationId, TopologyFixture.randomKey(), null, null,
                dir.resolve("a").toString(), null);
        SmsOtpConfig config = SmsOtpConfig.defaults().withStream(stream)
                .withKafka(new KafkaSettings(servers, 3, (short) 1))
                .withSmsEncryptionKey(TopologyFixture.randomKey()).withCodeEncryptionKey(TopologyFixture.randomKey());
        OtpStreamService first = start(config);
        OtpStreamService second = start(config.withStream(stream.withStateDir(dir.resolve("b").toString())));
        await("both instances in a stable group").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> stableMembers() == 2 && first.state() == KafkaStreams.State.RUNNING
                        && second.state() == KafkaStreams.State.RUNNING);

        first.stop();

        assertThat(first.problems()).containsExactly("Kafka Streams is NOT_RUNNING");
        // it left: the group is down to the other instance long before a session could time out
        await("the stopped instance gone from the group").atMost(TAKE_OVER).pollInterval(Duration.ofMillis(250))
                .until(() -> stableMembers() == 1);
        // which now owns every task: a create on each partition of otp.commands is answered
        try (Commands commands = new Commands()) {
            for (Map.Entry<String, String> placed : numbersOnEveryPartition().entrySet()) {
                String id = placed.getKey();
                String requestId = "r-" + id;
                commands.send(new OtpCommand.CreateChallenge(id, "demo", "Demo", placed.getValue(), OtpPolicy.DEFAULT,
                        requestId, "graceful-stop-test"));
                assertThat(commands.awaitReply(id, requestId)).isInstanceOf(OtpEvent.ChallengeCreated.class);
            }
        }
    }

    private OtpStreamService start(SmsOtpConfig config) {
        OtpStreamService service = new OtpStreamService(config);
        services.add(service);
        service.start();
        return service;
    }

    /** Members of the application's group once it is stable, else 0. */
    private int stableMembers() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all()
                    .get(30, TimeUnit.SECONDS).get(applicationId);
            return group.groupState() == GroupState.STABLE ? group.members().size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** For each partition of otp.commands, a challenge id → its number, placed there as auth-service places it. */
    private Map<String, String> numbersOnEveryPartition() {
        int partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            partitions = admin.describeTopics(List.of(Topics.COMMANDS.name())).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.COMMANDS.name()).partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<Integer, String> byPartition = new HashMap<>();
        while (byPartition.size() < partitions) {
            String number = uniqueNumber();
            byPartition.putIfAbsent(ChallengePlacement.partitionOfNumber(number, partitions), number);
        }
        Map<String, String> placed = new HashMap<>();
        byPartition.values().forEach(number -> placed.put(TestKafka.challengeIdFor(number), number));
        return placed;
    }

    private static String uniqueNumber() {
        return "+1555" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    /** Sends commands and reads replies as auth-service does: only what otp-stream's transactions committed. */
    private final class Commands implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringSerializer(), new ByteArraySerializer());
        private final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        private final List<OtpEvent> seen = new ArrayList<>();

        Commands() {
            consumer.subscribe(List.of(Topics.EVENTS.name()));
        }

        void send(OtpCommand command) {
            byte[] value = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), command);
            producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), command.challengeId(), value));
            producer.flush();
        }

        OtpEvent awaitReply(String challengeId, String requestId) {
            await("the reply to " + requestId).atMost(WAIT).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    seen.add(Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
                return seen.stream().anyMatch(e -> matches(e, challengeId, requestId));
            });
            return seen.stream().filter(e -> matches(e, challengeId, requestId)).findFirst().orElseThrow();
        }

        private static boolean matches(OtpEvent e, String challengeId, String requestId) {
            return challengeId.equals(e.challengeId()) && requestId.equals(e.requestId());
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }
}
