package io.smsotp.dispatcher.consumer;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The group's partitions moving to and from a worker; called inside poll, on the loop thread.
 * Partitions taken away are handed over (what they finished committed first); partitions lost
 * are only forgotten, as another worker owns them already; partitions given start from what the
 * group committed for them. Also tells, on any thread, whether the worker is in the group.
 */
final class Rebalance implements ConsumerRebalanceListener {

    private final Offsets offsets;
    private final Commits commits;
    private final HandOver handOver;
    private final BackPressure backPressure;
    /** A member of the group: an assignment (maybe empty) came and was not lost since. */
    private volatile boolean inGroup;
    private volatile int owned;

    Rebalance(Offsets offsets, Commits commits, HandOver handOver, BackPressure backPressure) {
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.commits = Objects.requireNonNull(commits, "commits");
        this.handOver = Objects.requireNonNull(handOver, "handOver");
        this.backPressure = Objects.requireNonNull(backPressure, "backPressure");
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        handOver.partitions(revoked, true);
        owned = offsets.owned();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        // another worker owns them already: a commit would be refused, and would be wrong
        inGroup = false;
        handOver.partitions(lost, false);
        owned = offsets.owned();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        // called at the end of every rebalance this member took part in, with nothing new or not
        inGroup = true;
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = commits.committed(assigned);
        for (TopicPartition tp : assigned) {
            offsets.assign(tp, committed.get(tp));
        }
        owned = offsets.owned();
        backPressure.assigned(assigned);
    }

    /** The worker's membership ended (its loop ended). */
    void left() {
        inGroup = false;
        owned = 0;
    }

    boolean inGroup() {
        return inGroup;
    }

    int owned() {
        return owned;
    }
}
