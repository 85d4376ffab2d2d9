package io.smsotp.config;

import java.time.Duration;
import java.util.Map;

/**
 * Where the brokers are and how the pipeline's topics are made.
 *
 * @param bootstrapServers also {@code KAFKA_BOOTSTRAP_SERVERS}; null means the launcher's embedded broker
 * @param partitions partitions of each topic, set when the topic is created
 * @param replicationFactor replicas of each topic; 3 on a production cluster
 * @param smsPartitions partitions of {@code sms.outbound}, set when it is created: the most
 *     dispatcher workers that can share the sending (default: {@code partitions})
 * @param commandsRetention how long {@code otp.commands} keeps a command (default one hour), set
 *     when the topic is created: a command is acted on in moments, and a verify holds a typed code
 *     (sealed), so nothing is kept for the broker's default week
 * @param properties Kafka client properties given to every client of the service (producers,
 *     consumers, admin clients, Kafka Streams): TLS, SASL and the like. Keys the service must own
 *     are refused ({@link KafkaClientProperties#validate}); values of secret keys are never shown
 * @param configTopic the topic of the live configuration (default {@code smsotp.config}); another
 *     name lets two deployments (or two tests) share brokers without sharing providers and apps
 * @param auditTopic the topic of the audit log (default {@code smsotp.audit})
 */
public record KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor,
                            Integer smsPartitions, Duration commandsRetention, Map<String, String> properties,
                            String configTopic, String auditTopic) {

    public static final Duration DEFAULT_COMMANDS_RETENTION = Duration.ofHours(1);

    public KafkaSettings {
        partitions = Settings.atLeast("kafka.partitions", partitions, 3, 1);
        smsPartitions = Settings.atLeast("kafka.smsPartitions", smsPartitions, partitions, 1);
        replicationFactor = (short) Settings.atLeast("kafka.replicationFactor",
                replicationFactor == null ? null : (int) replicationFactor, 1, 1);
        commandsRetention = Settings.positive("kafka.commandsRetention", commandsRetention,
                DEFAULT_COMMANDS_RETENTION);
        if (commandsRetention.toMillis() < 1) {
            // retention.ms counts whole milliseconds: 0 would be refused by the broker at topic creation
            throw new IllegalArgumentException("kafka.commandsRetention must be at least 1 ms, was "
                    + commandsRetention);
        }
        properties = KafkaClientProperties.validate("kafka.properties", properties);
        configTopic = topicName("kafka.configTopic", configTopic, io.smsotp.events.Topics.CONFIG.name());
        auditTopic = topicName("kafka.auditTopic", auditTopic, io.smsotp.events.Topics.AUDIT.name());
    }

    private static String topicName(String key, String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException(key + " must be a topic name (letters, digits, '.', '_', '-'), was '"
                    + value + "'");
        }
        return value;
    }

    public KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor, Integer smsPartitions,
                         Duration commandsRetention, Map<String, String> properties) {
        this(bootstrapServers, partitions, replicationFactor, smsPartitions, commandsRetention, properties, null, null);
    }

    public KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor, Integer smsPartitions,
                         Duration commandsRetention) {
        this(bootstrapServers, partitions, replicationFactor, smsPartitions, commandsRetention, null);
    }

    public KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor, Integer smsPartitions) {
        this(bootstrapServers, partitions, replicationFactor, smsPartitions, null, null);
    }

    public KafkaSettings(String bootstrapServers, Integer partitions, Short replicationFactor) {
        this(bootstrapServers, partitions, replicationFactor, null, null, null);
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings(null, null, null, null, null, null);
    }

    /** The same settings pointing at other brokers. */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, partitions, replicationFactor, smsPartitions, commandsRetention, properties,
                configTopic, auditTopic);
    }

    /** The same settings with other client properties (validated like the configured ones). */
    public KafkaSettings withProperties(Map<String, String> clientProperties) {
        return new KafkaSettings(bootstrapServers, partitions, replicationFactor, smsPartitions, commandsRetention,
                clientProperties, configTopic, auditTopic);
    }

    /** The same settings with other topics for the live configuration and the audit log. */
    public KafkaSettings withConfigTopics(String config, String audit) {
        return new KafkaSettings(bootstrapServers, partitions, replicationFactor, smsPartitions, commandsRetention,
                properties, config, audit);
    }

    /** Shows the client properties with the values of secret keys masked. */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", partitions=" + partitions
                + ", replicationFactor=" + replicationFactor + ", smsPartitions=" + smsPartitions
                + ", commandsRetention=" + commandsRetention + ", configTopic=" + configTopic + ", auditTopic="
                + auditTopic + ", properties="
                + KafkaClientProperties.redacted(properties) + "]";
    }
}
