package io.smsotp.events;

import io.smsotp.config.KafkaClientProperties;
import io.smsotp.config.KafkaSettings;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates topics that are missing; leaves existing ones as they are. */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /** Creates every pipeline topic ({@link Topics#ALL}) that is missing, with the configured partitions and replicas. */
    public static void ensurePipelineTopics(String bootstrapServers, KafkaSettings kafka) {
        ensureTopics(bootstrapServers, kafka, Topics.ALL.stream().map(Topic::name)
                .filter(t -> !t.equals(Topics.SMS_OUTBOUND.name()) && !t.equals(Topics.COMMANDS.name())).toList(),
                kafka.partitions(), Map.of());
        // co-partitioned with otp.events and the send decisions, so the same count; kept only briefly
        ensureTopics(bootstrapServers, kafka, List.of(Topics.COMMANDS.name()), kafka.partitions(),
                commandsTopicConfigs(kafka));
        // its own count: the dispatcher workers that can share the sending are at most its partitions
        ensureTopics(bootstrapServers, kafka, List.of(Topics.SMS_OUTBOUND.name()), kafka.smsPartitions(), Map.of());
        ensureConfigTopics(bootstrapServers, kafka);
    }

    /**
     * {@code smsotp.config} (one partition, compacted: the latest entry of each key is the truth)
     * and {@code smsotp.audit} (one partition, kept forever: an audit trail is not trimmed by age).
     */
    public static void ensureConfigTopics(String bootstrapServers, KafkaSettings kafka) {
        ensureTopics(bootstrapServers, kafka, List.of(kafka.configTopic()), 1, configTopicConfigs());
        ensureTopics(bootstrapServers, kafka, List.of(kafka.auditTopic()), 1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }

    /** The topic configs of {@code smsotp.config}. */
    public static Map<String, String> configTopicConfigs() {
        // a reader that starts reads every key from the beginning: compaction keeps that short
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                // a deleted entry's tombstone stays a day, for readers that were away
                TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(24L * 3600 * 1000));
    }

    /**
     * The topic configs of {@code otp.commands}: {@code kafka.commandsRetention} as
     * {@code retention.ms}, and as {@code segment.ms} too, because retention deletes whole segments
     * and the segment being written is deleted only once all of it is old: without rolling it,
     * steady traffic would keep a command up to the default segment age, a week. So a command is
     * gone within about twice the retention (plus the broker's retention check interval).
     */
    public static Map<String, String> commandsTopicConfigs(KafkaSettings kafka) {
        String millis = Long.toString(kafka.commandsRetention().toMillis());
        return Map.of(TopicConfig.RETENTION_MS_CONFIG, millis, TopicConfig.SEGMENT_MS_CONFIG, millis,
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }

    /** An admin client's properties: the brokers, a bounded wait, and {@code kafka.properties}. */
    public static Properties adminProperties(String bootstrapServers, KafkaSettings kafka) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return KafkaClientProperties.applyTo(props, kafka);
    }

    /**
     * @param topics names to create
     * @param partitions set only at creation: an existing topic keeps its count
     * @param replicationFactor replicas per partition
     * @param configs topic configs for the created topics
     */
    public static void ensureTopics(String bootstrapServers, Collection<String> topics, int partitions,
                                    short replicationFactor, Map<String, String> configs) {
        ensureTopics(bootstrapServers, new KafkaSettings(bootstrapServers, partitions, replicationFactor), topics,
                partitions, configs);
    }

    private static void ensureTopics(String bootstrapServers, KafkaSettings kafka, Collection<String> topics,
                                     int partitions, Map<String, String> configs) {
        short replicationFactor = kafka.replicationFactor();
        try (Admin admin = Admin.create(adminProperties(bootstrapServers, kafka))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, replicationFactor).configs(configs)).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException
                        || e.getCause() instanceof ClusterAuthorizationException) {
                    // a secured cluster: a service's principal may neither create topics nor see the
                    // ones it does not use; an operator makes them, and a client that needs a missing one fails
                    LOG.warn("not allowed to create or see topics {} at {}: they must be made by an operator",
                            missing.stream().map(NewTopic::name).toList(), bootstrapServers);
                    return;
                }
                // another process made it first: that is what we wanted
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + topics + " at " + bootstrapServers
                    + ": " + e.getMessage(), e);
        }
    }
}
