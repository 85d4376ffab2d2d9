package io.smsotp.config;

/**
 * Where the brokers are and how the pipeline's topics are made.
 *
 * @param bootstrapServers also {@code KAFKA_BOOTSTRAP_SERVERS}; null means the launcher's embedded broker
 * @param partitions partitions of each topic, set when the topic is created
 * @param replicationFactor replicas of each topic; 3 on a production cluster
 * @param smsPartitions partitions of {@code sms.outbound}, set when it is created: the most
 *     dispatcher workers that can share the sending (default: {@code partitions})
 */
public record KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor,
                            Integer smsPartitions) {
    public KafkaSettings {
        partitions = Settings.atLeast("kafka.partitions", partitions, 3, 1);
        smsPartitions = Settings.atLeast("kafka.smsPartitions", smsPartitions, partitions, 1);
        replicationFactor = (short) Settings.atLeast("kafka.replicationFactor",
                replicationFactor == null ? null : (int) replicationFactor, 1, 1);
    }

    public KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor) {
        this(bootstrapServers, partitions, replicationFactor, null);
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings(null, null, null, null);
    }

    /** The same settings pointing at other brokers. */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, partitions, replicationFactor, smsPartitions);
    }
}
