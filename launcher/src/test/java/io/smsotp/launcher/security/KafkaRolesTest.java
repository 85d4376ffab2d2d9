package io.smsotp.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.TopicAdmin;
import io.smsotp.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka-roles} on a real broker: after a topic, a consumer group and a transaction of the
 * test's own exist, it names the controller and shows that broker leading the topic's partitions
 * and coordinating the group and the transactional id.
 */
class KafkaRolesTest {

    @Test
    void namesTheControllerAndWhatTheBrokerLeadsAndCoordinates() throws Exception {
        String servers = TestKafka.bootstrapServers();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "roles-" + run;
        String group = "roles-group-" + run;
        String transactionalId = "roles-txn-" + run;
        TopicAdmin.ensureTopics(servers, List.of(topic), 3, (short) 1, Map.of());

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                    .all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "v"));
                producer.commitTransaction();
            }

            KafkaRoles.Roles roles = KafkaRoles.describe(admin);

            assertThat(roles.brokers()).containsKey(roles.controller());
            KafkaRoles.BrokerRoles broker = roles.brokers().values().stream()
                    .filter(b -> b.leaderOf().containsKey(topic)).findFirst().orElseThrow();
            assertThat(broker.leaderOf()).containsEntry(topic, 3).containsKey("__consumer_offsets")
                    .containsKey("__transaction_state");
            assertThat(broker.groups()).contains(group);
            assertThat(broker.transactions()).contains(transactionalId);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            roles.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines.get(0)).isEqualTo("kafka-roles: controller " + roles.controller());
            assertThat(lines).anySatisfy(line -> assertThat(line)
                    .startsWith("kafka-roles: broker " + broker.id())
                    .contains(topic + " 3", group, transactionalId));
        }
    }
}
