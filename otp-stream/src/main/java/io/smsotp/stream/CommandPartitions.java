package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The partition count of {@code otp.commands}, which decides where a challenge to a number lives
 * ({@link io.smsotp.events.ChallengePlacement}): otp-stream reads it once at start, as auth-service
 * reads it from its producer's metadata. Adding partitions later moves numbers to other partitions:
 * their send windows start afresh there, once (see docs/operations.md).
 */
public final class CommandPartitions {

    private CommandPartitions() {
    }

    /**
     * Reads the count, waiting a while for a topic that another process has just made.
     *
     * @throws IllegalStateException when the brokers cannot be reached or the topic does not appear
     */
    public static int read(String bootstrapServers, KafkaSettings kafka) {
        String topic = Topics.COMMANDS.name();
        try (Admin admin = Admin.create(TopicAdmin.adminProperties(bootstrapServers, kafka))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(30, TimeUnit.SECONDS).get(topic);
                    return d.partitions().size();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    // a topic created a moment ago is not yet known to every broker: ask again shortly
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topic + "'s partitions", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the partitions of " + topic + " at " + bootstrapServers
                    + ": " + e.getMessage(), e);
        }
    }
}
