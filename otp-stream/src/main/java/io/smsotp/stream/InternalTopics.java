package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import io.smsotp.stream.limit.LimitTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes otp-stream's own topics ({@link LimitTopics}) before Kafka Streams starts, as Streams
 * makes its changelogs: nobody else writes or reads them. {@code otp.send-decisions} must have
 * the partition count of {@code otp.commands} (the challenge processor reads both, co-partitioned):
 * it is made with that count, and a start with a different one is refused, since decisions would
 * then reach tasks that do not hold their challenge.
 */
public final class InternalTopics {

    /**
     * What they carry (a number, an IP, a command; never a code) is read within moments, and a
     * permit older than the longest lifetime (10 minutes) is of no use: keep an hour, no longer.
     */
    static final Map<String, String> CONFIGS = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, Long.toString(3_600_000L));

    private InternalTopics() {
    }

    /**
     * Creates the missing ones with the partitions of {@code otp.commands} (or {@code kafka.partitions}
     * when that is missing too) and checks the co-partitioning.
     *
     * @throws IllegalStateException when the brokers cannot be reached or the counts differ
     */
    public static void ensure(String bootstrapServers, KafkaSettings kafka) {
        try (Admin admin = Admin.create(TopicAdmin.adminProperties(bootstrapServers, kafka))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int partitions = existing.contains(Topics.COMMANDS.name())
                    ? partitions(admin, Topics.COMMANDS.name()) : kafka.partitions();
            List<NewTopic> missing = new ArrayList<>();
            for (var topic : LimitTopics.ALL) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), partitions, kafka.replicationFactor()).configs(CONFIGS));
                }
            }
            boolean madeDecisions = false;
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    madeDecisions = missing.stream().anyMatch(t -> t.name().equals(LimitTopics.SEND_DECISIONS.name()));
                } catch (ExecutionException e) {
                    // another instance made it first: that is what we wanted
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            // made here, it has the count asked for; describing it at once can miss it (metadata lag)
            int decisions = madeDecisions ? partitions : partitions(admin, LimitTopics.SEND_DECISIONS.name());
            if (decisions != partitions) {
                throw new IllegalStateException(LimitTopics.SEND_DECISIONS.name() + " has " + decisions
                        + " partitions but " + Topics.COMMANDS.name() + " has " + partitions
                        + ": they must match (co-partitioned); recreate " + LimitTopics.SEND_DECISIONS.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating otp-stream's topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create otp-stream's topics at " + bootstrapServers + ": "
                    + e.getMessage(), e);
        }
    }

    /** The topic's partition count; waits a while for one that another process has just made. */
    private static int partitions(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic);
                return d.partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                // a topic created a moment ago is not yet known to every broker: ask again shortly
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }
}
