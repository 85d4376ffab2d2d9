package io.smsotp.dispatcher.consumer;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a worker owns and what it holds of each: which records are finished, and what
 * to commit. Records are settled on any thread ({@link #settle}); the rest is the loop thread's.
 */
final class Offsets {

    private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();
    /** Records whose reports were acknowledged (or given up), handed from the producer's thread to the loop. */
    private final Queue<Pending> settled = new ConcurrentLinkedQueue<>();

    /** Starts tracking {@code tp} from the group's committed offset (null: none); a former assignment's state is dropped. */
    PartitionOffsets assign(TopicPartition tp, OffsetAndMetadata committed) {
        PartitionOffsets p = new PartitionOffsets(tp, committed);
        partitions.put(tp, p);
        return p;
    }

    /** The state of an owned partition, or null. */
    PartitionOffsets get(TopicPartition tp) {
        return partitions.get(tp);
    }

    /** The states of those of {@code tps} this worker owns. */
    List<PartitionOffsets> of(Collection<TopicPartition> tps) {
        return tps.stream().map(partitions::get).filter(Objects::nonNull).toList();
    }

    List<PartitionOffsets> all() {
        return List.copyOf(partitions.values());
    }

    int owned() {
        return partitions.size();
    }

    /** Records held against maxPending: unfinished, or finished and not yet committed. */
    int held() {
        int held = 0;
        for (PartitionOffsets p : partitions.values()) {
            held += p.held();
        }
        return held;
    }

    /** The record's reports were acknowledged ({@code finished}) or given up. Any thread. */
    void settle(Pending pending, boolean finished) {
        pending.settled.complete(finished);
        settled.add(pending);
    }

    /** Marks finished the records settled as such since the last call. */
    void applySettled() {
        Pending p;
        while ((p = settled.poll()) != null) {
            // a report of an earlier assignment of the partition is old news
            if (partitions.get(p.partition.partition) == p.partition && Boolean.TRUE.equals(p.settled.getNow(false))) {
                p.partition.finish(p.offset);
            }
        }
    }

    /**
     * Marks finished what of {@code states} was settled as such. Not {@link #applySettled()}: a wait
     * on the futures wakes when they complete, which may be before {@link #settle} queued them.
     */
    static void finishSettled(List<PartitionOffsets> states) {
        for (PartitionOffsets p : states) {
            for (Pending pending : p.open()) {
                if (Boolean.TRUE.equals(pending.settled.getNow(false))) {
                    p.finish(pending.offset);
                }
            }
        }
    }

    /** What to commit for {@code which}: only partitions with something new to say. */
    static Map<TopicPartition, OffsetAndMetadata> commitPoints(Collection<PartitionOffsets> which) {
        Map<TopicPartition, OffsetAndMetadata> points = new HashMap<>();
        for (PartitionOffsets p : which) {
            OffsetAndMetadata point = p.commitPoint();
            if (point != null) {
                points.put(p.partition, point);
            }
        }
        return points;
    }

    /** The group has {@code points}: what they cover is no longer held. */
    void committed(Map<TopicPartition, OffsetAndMetadata> points) {
        points.forEach((tp, point) -> {
            PartitionOffsets p = partitions.get(tp);
            if (p != null) {
                p.committed(point);
            }
        });
    }

    /** Stops tracking the partitions of {@code states}; answers how many records they left unfinished. */
    int forget(List<PartitionOffsets> states) {
        int left = 0;
        for (PartitionOffsets p : states) {
            left += p.open().size();
            partitions.remove(p.partition);
        }
        return left;
    }
}
