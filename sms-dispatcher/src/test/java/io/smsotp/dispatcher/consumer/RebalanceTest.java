package io.smsotp.dispatcher.consumer;

import static io.smsotp.dispatcher.consumer.OffsetsTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Partitions moving to and from a worker, and whether it counts as a member of the group. */
class RebalanceTest {

    static final TopicPartition TP0 = OffsetsTest.TP0;
    static final TopicPartition TP1 = OffsetsTest.TP1;

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final Offsets offsets = new Offsets();
    final Stop stop = new Stop(Duration.ofSeconds(30));
    final Commits commits = new Commits(consumer, offsets, stop);
    final BackPressure backPressure = new BackPressure(consumer, 10, 4);
    final Rebalance rebalance = new Rebalance(offsets, commits,
            new HandOver(offsets, commits, stop, Duration.ofMillis(100)), backPressure);

    @Test
    void assignedPartitionsStartFromWhatTheGroupCommittedForThem() {
        consumer.assign(List.of(TP0, TP1));
        consumer.commitSync(Map.of(TP0, new OffsetAndMetadata(3, OffsetMetadata.encode(new TreeSet<>(List.of(3L)), 5))));

        rebalance.onPartitionsAssigned(List.of(TP0, TP1));

        assertThat(rebalance.inGroup()).isTrue();
        assertThat(rebalance.owned()).isEqualTo(2);
        assertThat(offsets.get(TP0).finishedEarlier(4)).isTrue();
        assertThat(offsets.get(TP1).finishedEarlier(4)).isFalse();
    }

    @Test
    void anEmptyAssignmentStillMakesTheWorkerAMember() {
        rebalance.onPartitionsAssigned(List.of());

        assertThat(rebalance.inGroup()).isTrue();
        assertThat(rebalance.owned()).isZero();
    }

    @Test
    void partitionsAssignedWhileTheWorkerIsFullStartPaused() {
        consumer.assign(List.of(TP0, TP1));
        backPressure.apply(10);

        rebalance.onPartitionsAssigned(List.of(TP1));

        assertThat(consumer.paused()).contains(TP1);
    }

    @Test
    void revokedPartitionsAreCommittedThenForgotten() {
        consumer.assign(List.of(TP0, TP1));
        rebalance.onPartitionsAssigned(List.of(TP0, TP1));
        offsets.settle(read(offsets.get(TP0), 0, 1).get(0), true);

        rebalance.onPartitionsRevoked(List.of(TP0));

        assertThat(consumer.committed(Set.of(TP0)).get(TP0)).isEqualTo(new OffsetAndMetadata(1, ""));
        assertThat(rebalance.owned()).isEqualTo(1);
        assertThat(rebalance.inGroup()).isTrue();
    }

    @Test
    void lostPartitionsAreForgottenUncommittedAndTheWorkerIsNoMemberUntilItsNextAssignment() {
        consumer.assign(List.of(TP0));
        rebalance.onPartitionsAssigned(List.of(TP0));
        offsets.settle(read(offsets.get(TP0), 0, 1).get(0), true);

        rebalance.onPartitionsLost(List.of(TP0));

        assertThat(consumer.committed(Set.of(TP0)).get(TP0)).isNull();
        assertThat(rebalance.owned()).isZero();
        assertThat(rebalance.inGroup()).isFalse();
    }

    @Test
    void aWorkerWhoseLoopEndedIsNoMember() {
        rebalance.onPartitionsAssigned(List.of(TP0));

        rebalance.left();

        assertThat(rebalance.inGroup()).isFalse();
        assertThat(rebalance.owned()).isZero();
    }
}
