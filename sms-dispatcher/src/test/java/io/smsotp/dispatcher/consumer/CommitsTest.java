package io.smsotp.dispatcher.consumer;

import static io.smsotp.dispatcher.consumer.OffsetsTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commits of what is finished, and reads of what a partition's previous owner committed. */
class CommitsTest {

    static final TopicPartition TP = OffsetsTest.TP0;

    final AtomicLong now = new AtomicLong(0);
    final Offsets offsets = new Offsets();
    final Stop stop = new Stop(Duration.ofSeconds(4), now::get);
    /** Each commit, with its timeout (null: the client's default). */
    final List<Duration> commitTimeouts = new ArrayList<>();
    RuntimeException commitFailure;
    RuntimeException lookupFailure;

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
        /** MockConsumer's commit with a timeout calls the one without: count it once. */
        private boolean timed;

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (!timed) {
                commitTimeouts.add(null);
                failOnce();
            }
            super.commitSync(offsets);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            commitTimeouts.add(timeout);
            failOnce();
            timed = true;
            try {
                super.commitSync(offsets, timeout);
            } finally {
                timed = false;
            }
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            if (lookupFailure != null) {
                throw lookupFailure;
            }
            return super.committed(partitions);
        }
    };
    final Commits commits = new Commits(consumer, offsets, stop, now::get);

    @BeforeEach
    void assign() {
        consumer.assign(List.of(TP));
    }

    void failOnce() {
        RuntimeException e = commitFailure;
        commitFailure = null;
        if (e != null) {
            throw e;
        }
    }

    void finishFirst(int count) {
        List<Pending> read = read(offsets.assign(TP, null), 0, count);
        read.forEach(p -> offsets.settle(p, true));
        offsets.applySettled();
    }

    Long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? null : o.offset();
    }

    @Test
    void commitsWhatIsFinishedAndReleasesItAndNothingWhenThereIsNoNews() {
        finishFirst(3);

        assertThat(commits.commit(offsets.all())).isEqualTo(1);
        assertThat(committed()).isEqualTo(3);
        assertThat(offsets.held()).isZero();

        assertThat(commits.commit(offsets.all())).isZero();
        assertThat(commitTimeouts).hasSize(1);
    }

    @Test
    void commitsAtMostOncePerInterval() {
        finishFirst(1);
        commits.commitIfDue();
        assertThat(committed()).isNull();

        now.addAndGet(Commits.COMMIT_INTERVAL.toNanos());
        commits.commitIfDue();
        assertThat(committed()).isEqualTo(1);
    }

    @Test
    void aCommitPutOffByARebalanceKeepsTheRecordsHeldForTheNextCommit() {
        finishFirst(2);
        commitFailure = new CommitFailedException("rebalancing");

        assertThat(commits.commit(offsets.all())).isZero();
        assertThat(offsets.held()).isEqualTo(2);

        commitFailure = new KafkaException("brokers unreachable");
        assertThat(commits.commit(offsets.all())).isZero();

        assertThat(commits.commit(offsets.all())).isEqualTo(1);
        assertThat(committed()).isEqualTo(2);
    }

    @Test
    void aCommitWokenByAStopIsStillMadeWithinTheStopsTime() {
        finishFirst(1);
        commitFailure = new WakeupException();

        commits.commit(offsets.all());

        assertThat(committed()).isEqualTo(1);
        assertThat(commitTimeouts).hasSize(2).startsWith((Duration) null);
        assertThat(commitTimeouts.get(1)).isEqualTo(stop.remaining());
    }

    @Test
    void onceAStopIsAskedACommitTakesOnlyWhatIsLeftOfItsTime() {
        finishFirst(1);
        stop.ask();
        now.addAndGet(Duration.ofSeconds(1).toNanos());

        commits.commit(offsets.all());

        assertThat(commitTimeouts).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void aPartitionTakenWithoutTheListenerLearnsWhatItsPreviousOwnerFinished() {
        consumer.commitSync(Map.of(TP, new OffsetAndMetadata(10, OffsetMetadata.encode(new TreeSet<>(List.of(10L)), 12))));

        PartitionOffsets p = commits.stateOf(TP);

        assertThat(p.finishedEarlier(10)).isFalse();
        assertThat(p.finishedEarlier(11)).isTrue();
        assertThat(commits.stateOf(TP)).isSameAs(p);
    }

    @Test
    void committedOffsetsThatCannotBeReadAreTakenAsNoneSoThatRecordsAreSentAgainRatherThanSkipped() {
        lookupFailure = new KafkaException("coordinator unavailable");

        assertThat(commits.committed(List.of(TP))).isEmpty();
        assertThat(commits.stateOf(TP).finishedEarlier(11)).isFalse();
    }
}
