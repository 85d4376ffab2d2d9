package io.smsotp.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What a worker holds of its partitions and what it may commit: never past an unfinished record. */
class OffsetsTest {

    static final TopicPartition TP0 = new TopicPartition("sms.outbound", 0);
    static final TopicPartition TP1 = new TopicPartition("sms.outbound", 1);

    final Offsets offsets = new Offsets();

    /** Reads {@code from} up to {@code to} (exclusive) of {@code p}, each a record to work on. */
    static List<Pending> read(PartitionOffsets p, long from, long to) {
        List<Pending> read = new ArrayList<>();
        for (long o = from; o < to; o++) {
            Pending pending = new Pending(p, o);
            p.read(o, pending);
            read.add(pending);
        }
        return read;
    }

    OffsetAndMetadata pointOf(TopicPartition tp) {
        return Offsets.commitPoints(offsets.all()).get(tp);
    }

    @Test
    void holdsUnfinishedRecordsAndFinishedOnesUntilTheyAreCommitted() {
        List<Pending> p0 = read(offsets.assign(TP0, null), 0, 3);
        read(offsets.assign(TP1, null), 0, 2);
        assertThat(offsets.held()).isEqualTo(5);

        offsets.settle(p0.get(0), true);
        offsets.applySettled();
        assertThat(offsets.held()).as("finished, not committed: a crash now sends it again").isEqualTo(5);

        offsets.committed(Map.of(TP0, pointOf(TP0)));
        assertThat(offsets.held()).isEqualTo(4);
        assertThat(offsets.owned()).isEqualTo(2);
    }

    @Test
    void aRecordSettledOnAnotherThreadIsFinishedOnlyWhenTheLoopTakesItIn() throws Exception {
        List<Pending> read = read(offsets.assign(TP0, null), 0, 1);

        CompletableFuture.runAsync(() -> offsets.settle(read.get(0), true)).get();
        assertThat(pointOf(TP0).offset()).isZero();

        offsets.applySettled();
        assertThat(pointOf(TP0)).isEqualTo(new OffsetAndMetadata(1, ""));
    }

    @Test
    void aRecordGivenUpStaysBelowTheCommitForTheNextOwner() {
        List<Pending> read = read(offsets.assign(TP0, null), 0, 2);

        offsets.settle(read.get(0), false);
        offsets.settle(read.get(1), true);
        offsets.applySettled();

        OffsetAndMetadata point = pointOf(TP0);
        assertThat(point.offset()).isZero();
        assertThat(OffsetMetadata.decode(0, point.metadata()).finished(1)).isTrue();
    }

    @Test
    void aLateReportFromAFormerAssignmentOfThePartitionIsIgnored() {
        List<Pending> former = read(offsets.assign(TP0, null), 0, 1);
        List<Pending> now = read(offsets.assign(TP0, null), 0, 1);

        offsets.settle(former.get(0), true);
        offsets.applySettled();

        assertThat(offsets.get(TP0).pending(0)).isSameAs(now.get(0));
        assertThat(pointOf(TP0).offset()).isZero();
    }

    @Test
    void theCommitNeverPassesAnUnfinishedRecordWhateverOrderTheyFinishIn() {
        PartitionOffsets p = offsets.assign(TP0, null);
        List<Pending> read = read(p, 0, 60);
        List<Pending> order = new ArrayList<>(read);
        Collections.shuffle(order, new Random(12));
        List<Long> finished = new ArrayList<>();

        for (Pending pending : order) {
            offsets.settle(pending, true);
            offsets.applySettled();
            finished.add(pending.offset);
            OffsetAndMetadata point = pointOf(TP0);
            if (point == null) {
                continue; // nothing new since the last commit
            }
            OffsetMetadata.Holes holes = OffsetMetadata.decode(point.offset(), point.metadata());
            for (long o = 0; o < 60; o++) {
                boolean skippedByNextOwner = o < point.offset() || holes.finished(o);
                assertThat(skippedByNextOwner).as("offset %d after %s", o, finished).isEqualTo(finished.contains(o));
            }
            offsets.committed(Map.of(TP0, point));
        }
        assertThat(pointOf(TP0)).isNull();
        assertThat(offsets.get(TP0).commitPoint()).isNull();
        assertThat(offsets.held()).isZero();
    }

    @Test
    void commitsOnlyPartitionsWithSomethingNew() {
        List<Pending> p0 = read(offsets.assign(TP0, null), 0, 1);
        offsets.assign(TP1, null);
        offsets.settle(p0.get(0), true);
        offsets.applySettled();

        Map<TopicPartition, OffsetAndMetadata> points = Offsets.commitPoints(offsets.all());
        assertThat(points).containsOnlyKeys(TP0);

        offsets.committed(points);
        assertThat(Offsets.commitPoints(offsets.all())).isEmpty();
    }

    @Test
    void finishSettledTakesInWhatCompletedBeforeItWasQueued() {
        PartitionOffsets p = offsets.assign(TP0, null);
        List<Pending> read = read(p, 0, 2);
        read.get(0).settled.complete(true);
        read.get(1).settled.complete(false);

        Offsets.finishSettled(List.of(p));

        assertThat(p.open()).containsExactly(read.get(1));
    }

    @Test
    void forgettingAPartitionAnswersWhatItLeftUnfinished() {
        PartitionOffsets p = offsets.assign(TP0, null);
        read(p, 0, 3);
        offsets.assign(TP1, null);

        assertThat(offsets.forget(offsets.of(List.of(TP0)))).isEqualTo(3);
        assertThat(offsets.get(TP0)).isNull();
        assertThat(offsets.of(List.of(TP0, TP1))).extracting(s -> s.partition).containsExactly(TP1);
        assertThat(offsets.held()).isZero();
    }
}
