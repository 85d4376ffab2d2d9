package io.smsotp.dispatcher.consumer;

import static io.smsotp.dispatcher.consumer.OffsetsTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Partitions leave a worker only after the sends in flight on them ended and what finished is committed. */
class HandOverTest {

    static final TopicPartition TP0 = OffsetsTest.TP0;
    static final TopicPartition TP1 = OffsetsTest.TP1;

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final Offsets offsets = new Offsets();

    @BeforeEach
    void assign() {
        consumer.assign(List.of(TP0, TP1));
    }

    HandOver handOver(Stop stop, Duration timeout) {
        return new HandOver(offsets, new Commits(consumer, offsets, stop), stop, timeout);
    }

    HandOver handOver(Duration timeout) {
        return handOver(new Stop(Duration.ofSeconds(30)), timeout);
    }

    /** Settles {@code pending} finished from another thread after {@code millis}, as its acknowledged report would. */
    void finishLater(Pending pending, long millis) {
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(() -> offsets.settle(pending, true));
    }

    OffsetAndMetadata committed(TopicPartition tp) {
        return consumer.committed(Set.of(tp)).get(tp);
    }

    static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void waitsForASendInFlightToBeReportedAndCommitsPastItBeforeLettingThePartitionGo() {
        List<Pending> read = read(offsets.assign(TP0, null), 0, 2);
        offsets.settle(read.get(0), true);
        finishLater(read.get(1), 300);

        handOver(Duration.ofSeconds(10)).partitions(List.of(TP0), true);

        assertThat(read.get(1).settled).isCompletedWithValue(true);
        assertThat(committed(TP0)).isEqualTo(new OffsetAndMetadata(2, ""));
        assertThat(offsets.get(TP0)).isNull();
    }

    @Test
    void aSendThatDoesNotEndInTimeIsLeftBelowTheCommitForTheNextOwner() {
        List<Pending> read = read(offsets.assign(TP0, null), 0, 2);
        offsets.settle(read.get(1), true);

        long start = System.nanoTime();
        handOver(Duration.ofMillis(200)).partitions(List.of(TP0), true);

        assertThat(millisSince(start)).isBetween(190L, 5_000L);
        OffsetAndMetadata handedOver = committed(TP0);
        assertThat(handedOver.offset()).isZero();
        OffsetMetadata.Holes holes = OffsetMetadata.decode(handedOver.offset(), handedOver.metadata());
        assertThat(holes.finished(0)).isFalse();
        assertThat(holes.finished(1)).isTrue();
        assertThat(offsets.owned()).isZero();
    }

    @Test
    void abandonsEveryRecordOfTheLeavingPartitionsOnly() {
        List<Pending> leaving = read(offsets.assign(TP0, null), 0, 1);
        List<Pending> staying = read(offsets.assign(TP1, null), 0, 1);

        handOver(Duration.ofMillis(50)).partitions(List.of(TP0), true);

        assertThat(leaving.get(0).abandoned()).isTrue();
        assertThat(staying.get(0).abandoned()).isFalse();
        assertThat(offsets.get(TP1)).isNotNull();
        assertThat(offsets.held()).isEqualTo(1);
    }

    @Test
    void lostPartitionsAreForgottenWithoutACommit() {
        List<Pending> read = read(offsets.assign(TP0, null), 0, 1);
        offsets.settle(read.get(0), true);

        handOver(Duration.ofSeconds(10)).partitions(List.of(TP0), false);

        assertThat(committed(TP0)).isNull();
        assertThat(offsets.get(TP0)).isNull();
    }

    @Test
    void aStopShortensTheWaitOfAHandOverToItsDrainTime() {
        read(offsets.assign(TP0, null), 0, 1);
        Stop stop = new Stop(Duration.ofMillis(800));
        stop.ask();

        long start = System.nanoTime();
        handOver(stop, Duration.ofSeconds(30)).partitions(List.of(TP0), true);

        // 800 ms less the quarter kept for closing
        assertThat(millisSince(start)).isBetween(500L, 5_000L);
    }

    @Test
    void aStopHandsOverEveryPartitionWithinItsTime() {
        List<Pending> p0 = read(offsets.assign(TP0, null), 0, 1);
        List<Pending> p1 = read(offsets.assign(TP1, null), 5, 7);
        finishLater(p0.get(0), 100);
        finishLater(p1.get(1), 200);
        Stop stop = new Stop(Duration.ofSeconds(1));
        stop.ask();

        long start = System.nanoTime();
        handOver(stop, Duration.ofSeconds(30)).allForStop();

        assertThat(millisSince(start)).isLessThan(5_000L);
        assertThat(committed(TP0)).isEqualTo(new OffsetAndMetadata(1, ""));
        // offset 5 never ended: below the commit, for the next owner; 6 after it is listed as done
        assertThat(committed(TP1).offset()).isEqualTo(5);
        assertThat(OffsetMetadata.decode(5, committed(TP1).metadata()).finished(6)).isTrue();
        assertThat(offsets.owned()).isZero();
    }
}
