package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.ConfigException;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.StreamSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsPropertiesTest {

    private static final KafkaSettings KAFKA = KafkaSettings.defaults().withBootstrapServers("127.0.0.1:9");

    @TempDir
    Path stateDir;

    private StreamSettings committingEvery(Duration interval) {
        return new StreamSettings(null, null, interval, null, stateDir.toString(), null);
    }

    private static Map<String, Object> producerConfig(Properties props) {
        return new StreamsConfig(props).getProducerConfigs("test-producer");
    }

    @Test
    void theStreamsProducersLingerAsLongAsTheCommitIntervalSinceNothingTheyWriteIsVisibleBeforeTheCommit() {
        Properties props = StreamsProperties.of(committingEvery(Duration.ofMillis(10)), KAFKA);

        assertThat(producerConfig(props)).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "10");
        assertThat(producerConfig(StreamsProperties.of(committingEvery(Duration.ofMillis(40)), KAFKA)))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "40");
    }

    @Test
    void aProducerLingeringAsLongAsTheLongestCommitIntervalStreamsAllowsStillStarts() {
        // Streams refuses a commit interval above its producers' transaction timeout (10 s)
        Properties props = StreamsProperties.of(committingEvery(Duration.ofSeconds(10)), KAFKA);
        Map<String, Object> config = producerConfig(props);

        assertThat(config).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "10000");
        try (var producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    @Test
    void aCommitIntervalAboveTheTransactionTimeoutIsRefusedByNameUnlessTheTimeoutIsRaised() {
        assertThatThrownBy(() -> StreamsProperties.of(committingEvery(Duration.ofSeconds(11)), KAFKA))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stream.commitInterval PT11S");

        Properties props = StreamsProperties.of(committingEvery(Duration.ofSeconds(11)),
                KAFKA.withProperties(Map.of("producer.transaction.timeout.ms", "30000")));
        // Kafka Streams itself accepts what was let through
        assertThat(producerConfig(props)).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "11000");
    }

    @Test
    void kafkaPropertiesStillTuneTheLinger() {
        Properties props = StreamsProperties.of(committingEvery(Duration.ofMillis(10)),
                KAFKA.withProperties(Map.of("producer.linger.ms", "2")));

        assertThat(producerConfig(props)).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "2");
    }
}
