package io.smsotp.config;

/**
 * Where the brokers are and how the pipeline's topics are made.
 *
 * @param bootstrapServers also {@code KAFKA_BOOTSTRAP_SERVERS}; null means the launcher's embedded broker
 * @param partitions partitions of each topic, set when the topic is created
 * @param replicationFactor replicas of each topic; 3 on a production cluster
 */
public record KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor) {
    public KafkaSettings {
        partitions = Settings.atLeast("kafka.partitions", partitions, 3, 1);
        replicationFactor = (short) Settings.atLeast("kafka.replicationFactor",
                replicationFactor == null ? null : (int) replicationFactor, 1, 1);
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings(null, null, null);
    }

    /** The same settings pointing at other brokers. */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, partitions, replicationFactor);
    }
}
