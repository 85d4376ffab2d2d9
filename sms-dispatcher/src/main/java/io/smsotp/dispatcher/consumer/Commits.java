package io.smsotp.dispatcher.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's committed offsets, read and written through the worker's consumer on the loop
 * thread: commits what {@link Offsets} says is finished, and reads what a partition's previous
 * owner committed. A failure is logged and tried again later, never thrown.
 */
final class Commits {

    private static final Logger LOG = LoggerFactory.getLogger(Commits.class);
    /** How often finished records are committed: the window in which a crash can send them twice. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private final Consumer<byte[], byte[]> consumer;
    private final Offsets offsets;
    private final Stop stop;
    private final LongSupplier nanoTime;
    private long lastCommit;

    Commits(Consumer<byte[], byte[]> consumer, Offsets offsets, Stop stop) {
        this(consumer, offsets, stop, System::nanoTime);
    }

    Commits(Consumer<byte[], byte[]> consumer, Offsets offsets, Stop stop, LongSupplier nanoTime) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.stop = Objects.requireNonNull(stop, "stop");
        this.nanoTime = nanoTime;
        this.lastCommit = nanoTime.getAsLong();
    }

    /** Commits every owned partition, at most once per {@link #COMMIT_INTERVAL}. */
    void commitIfDue() {
        if (nanoTime.getAsLong() - lastCommit < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        lastCommit = nanoTime.getAsLong();
        commit(offsets.all());
    }

    /** Commits what {@code which} finished; answers how many partitions were committed. */
    int commit(Collection<PartitionOffsets> which) {
        Map<TopicPartition, OffsetAndMetadata> points = Offsets.commitPoints(which);
        if (points.isEmpty()) {
            return 0;
        }
        try {
            commitSync(points);
            offsets.committed(points);
            return points.size();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the group is rebalancing: the revocation commits what is finished before the partitions move
            LOG.info("commit of {} put off by a rebalance: {}", points.keySet(), e.toString());
        } catch (KafkaException e) {
            LOG.error("committing {} failed; trying again: {}", points.keySet(), e.toString());
        }
        return 0;
    }

    /** The state of {@code tp}, learnt now from the group when it came without the rebalance listener. */
    PartitionOffsets stateOf(TopicPartition tp) {
        PartitionOffsets p = offsets.get(tp);
        if (p == null) {
            // assigned without our listener (assign() in tests, or its lookup failed): learn the commit now
            p = offsets.assign(tp, committed(List.of(tp)).get(tp));
        }
        return p;
    }

    /** The group's committed offsets of {@code tps}; empty when they cannot be read. */
    Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> tps) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumer.committed(new HashSet<>(tps));
            } catch (WakeupException e) {
                // shutdown() woke us: the next poll ends the loop, whose hand-over needs these
                committed = consumer.committed(new HashSet<>(tps), stop.remaining());
            }
            return committed == null ? Map.of() : committed;
        } catch (KafkaException e) {
            // without it, finished records after the committed offset are sent again: at-least-once still holds
            LOG.warn("reading the committed offsets of {} failed: {}", tps, e.toString());
            return Map.of();
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> points) {
        if (stop.asked()) {
            // a stop: within what is left of its time, not the client's default minute
            commitSyncOnce(points, stop.remaining());
            return;
        }
        try {
            consumer.commitSync(points);
        } catch (WakeupException e) {
            // shutdown() woke us in the middle of a commit: make it before leaving
            commitSyncOnce(points, stop.remaining());
        }
    }

    private void commitSyncOnce(Map<TopicPartition, OffsetAndMetadata> points, Duration timeout) {
        try {
            consumer.commitSync(points, timeout);
        } catch (WakeupException e) {
            // the wake-up of shutdown() was still pending: it is used up now
            consumer.commitSync(points, timeout);
        }
    }
}
