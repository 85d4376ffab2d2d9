package io.smsotp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TestKafkaTest {

    @Test
    void brokerCarriesARecordFromProducerToConsumer() throws Exception {
        String topic = "tk-" + TestKafka.uniqueSuffix();
        TestKafka.createTopics(List.of(new Topic<>(topic, Serdes.String(), Serdes.String())), 2);

        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
             var consumer = new KafkaConsumer<String, String>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic,
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new StringDeserializer(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
            consumer.subscribe(List.of(topic));
            ConsumerRecord<String, String> seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen = r;
                }
            }
            assertThat(seen).isNotNull();
            assertThat(seen.key()).isEqualTo("k");
            assertThat(seen.value()).isEqualTo("hello");
        }
    }

    @Test
    void sameBrokerIsSharedWithinTheJvm() {
        assertThat(TestKafka.bootstrapServers()).isSameAs(TestKafka.bootstrapServers());
    }
}
