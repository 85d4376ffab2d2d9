package io.smsotp.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The committed offset and its metadata: what a partition's next owner may skip. */
class OffsetMetadataTest {

    static final TopicPartition TP = new TopicPartition("sms.outbound", 0);

    @Test
    void saysWhichRecordsAfterTheCommittedOffsetAreFinished() {
        String metadata = OffsetMetadata.encode(new TreeSet<>(List.of(100L, 103L, 250L)), 300);

        OffsetMetadata.Holes holes = OffsetMetadata.decode(100, metadata);

        assertThat(metadata).startsWith(OffsetMetadata.PREFIX);
        assertThat(holes.next()).isEqualTo(300);
        assertThat(holes.unfinished()).containsExactly(100L, 103L, 250L);
        assertThat(LongStream.range(95, 305).filter(holes::finished).count()).isEqualTo(200 - 3);
        assertThat(holes.finished(101)).isTrue();
        assertThat(holes.finished(103)).isFalse();
        assertThat(holes.finished(299)).isTrue();
        assertThat(holes.finished(300)).isFalse();
        assertThat(holes.finished(99)).isFalse();
    }

    @Test
    void metadataThatIsNotOursMarksNothingFinished() {
        for (String other : new String[] {null, "", "some other tool", OffsetMetadata.PREFIX + "!!notbase64", OffsetMetadata.PREFIX + "gA"}) {
            OffsetMetadata.Holes holes = OffsetMetadata.decode(7, other);
            assertThat(LongStream.range(0, 100).anyMatch(holes::finished)).as(other).isFalse();
        }
    }

    @Test
    void tooManyHolesToFitAreCutSoThatTheRestIsReadAgainRatherThanSkipped() {
        TreeSet<Long> holes = new TreeSet<>();
        for (long o = 0; o < 1_000_000; o += 300) {
            holes.add(o);
        }

        String metadata = OffsetMetadata.encode(holes, 1_000_000);
        OffsetMetadata.Holes decoded = OffsetMetadata.decode(0, metadata);

        assertThat(metadata.length()).isLessThanOrEqualTo(OffsetMetadata.MAX_CHARS);
        assertThat(decoded.next()).isLessThan(1_000_000).isEqualTo(holes.higher(decoded.unfinished().last()));
        // nothing unfinished is ever called finished
        assertThat(holes.stream().noneMatch(decoded::finished)).isTrue();
        assertThat(decoded.finished(1)).isTrue();
    }

    @Test
    void aNewOwnerKeepsPassingOnWhatThePreviousOneFinishedUntilItHasReadPastIt() {
        OffsetAndMetadata inherited = new OffsetAndMetadata(10, OffsetMetadata.encode(new TreeSet<>(List.of(10L, 15L)), 20));
        PartitionOffsets p = new PartitionOffsets(TP, inherited);

        assertThat(p.finishedEarlier(10)).isFalse();
        assertThat(p.finishedEarlier(11)).isTrue();
        assertThat(p.finishedEarlier(15)).isFalse();
        assertThat(p.commitPoint()).isNull();

        p.read(10, new Pending(p, 10));
        p.read(11, null);
        p.read(12, null);
        // read up to 13, but the holes up to 20 still stand: the same as committed, nothing to commit
        assertThat(p.commitPoint()).isNull();

        p.finish(10);
        assertThat(p.held()).isEqualTo(1);
        OffsetAndMetadata point = p.commitPoint();
        OffsetMetadata.Holes holes = OffsetMetadata.decode(point.offset(), point.metadata());
        assertThat(point.offset()).isEqualTo(15);
        assertThat(holes.next()).isEqualTo(20);
        assertThat(holes.unfinished()).containsExactly(15L);
        p.committed(point);
        assertThat(p.held()).isZero();

        for (long o = 13; o < 20; o++) {
            p.read(o, o == 15 ? new Pending(p, o) : null);
        }
        p.finish(15);
        assertThat(p.commitPoint()).isEqualTo(new OffsetAndMetadata(20, ""));
    }
}
