package io.smsotp.dispatcher.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Isolation on the shared test broker, whose topic names are fixed: a test's new consumer group
 * starts at the current end of the topic, so it sees only what the test itself produces.
 */
public final class Groups {

    private Groups() {
    }

    /** Commits the end of every partition of {@code topic} for the (new, empty) {@code group}. */
    public static void startAtEnd(String bootstrap, String group, String topic) {
        try (Admin admin = admin(bootstrap)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start group " + group + " at the end of " + topic, e);
        }
    }

    /** Grows {@code topic} to at least {@code partitions} partitions. */
    public static void ensurePartitions(String bootstrap, String topic, int partitions) {
        try (Admin admin = admin(bootstrap)) {
            int now = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            if (now < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot grow " + topic + " to " + partitions + " partitions", e);
        }
    }

    /** How many members {@code group} has, once it is stable (0 while it rebalances). */
    public static int stableMembers(String bootstrap, String group) {
        try (Admin admin = admin(bootstrap)) {
            var description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            return description.groupState() == org.apache.kafka.common.GroupState.STABLE ? description.members().size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** How many members {@code group} has now, in whatever state (-1 when it cannot be read). */
    public static int members(String bootstrap, String group) {
        try (Admin admin = admin(bootstrap)) {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members()
                    .size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The partitions of {@code topic}. */
    public static int partitions(String bootstrap, String topic) {
        try (Admin admin = admin(bootstrap)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}
