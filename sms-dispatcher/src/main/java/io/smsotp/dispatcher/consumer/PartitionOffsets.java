package io.smsotp.dispatcher.consumer;

import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What one worker knows of one assigned partition: the records it read and has not finished, and
 * what to commit. Used on the loop thread only. A new instance is made at each assignment, so
 * that news about a former assignment's records (a late report) is recognised and ignored.
 */
final class PartitionOffsets {

    final TopicPartition partition;
    private final TreeMap<Long, Pending> open = new TreeMap<>();
    /** Finished since the last successful commit: still held, as a crash now would send them again. */
    private int finishedSinceCommit;
    /** The offset after the last record read (past transaction markers too); -1 before the first. */
    private long next = -1;
    /** What the previous owner's commit says is finished beyond the committed offset; null once passed. */
    private OffsetMetadata.Holes inherited;
    private OffsetAndMetadata lastCommitted;

    /** @param committed the group's committed offset for the partition when it was assigned, or null */
    PartitionOffsets(TopicPartition partition, OffsetAndMetadata committed) {
        this.partition = partition;
        if (committed != null) {
            this.inherited = OffsetMetadata.decode(committed.offset(), committed.metadata());
            this.lastCommitted = committed;
        }
    }

    /** The previous owner finished this record (its commit says so): skip it. */
    boolean finishedEarlier(long offset) {
        return inherited != null && inherited.finished(offset);
    }

    /** A record was read; {@code pending} is null when it needs no work (finished earlier). */
    void read(long offset, Pending pending) {
        if (pending != null) {
            open.put(offset, pending);
        }
        advanceTo(offset + 1);
    }

    /** The consumer's position moved past a transaction marker (no record to read there). */
    void advanceTo(long nextOffset) {
        next = Math.max(next, nextOffset);
        if (inherited != null && next >= inherited.next()) {
            inherited = null;
        }
    }

    /** The record's outcome is reported and acknowledged. */
    void finish(long offset) {
        if (open.remove(offset) != null) {
            finishedSinceCommit++;
        }
    }

    Pending pending(long offset) {
        return open.get(offset);
    }

    Collection<Pending> open() {
        return List.copyOf(open.values());
    }

    /** Records held against the worker's maxPending: unfinished, or finished but not yet committed. */
    int held() {
        return open.size() + finishedSinceCommit;
    }

    /** What to commit now, or null when nothing new is known. */
    OffsetAndMetadata commitPoint() {
        if (next < 0) {
            return null;
        }
        NavigableSet<Long> holes = new TreeSet<>(open.keySet());
        long upTo = next;
        if (inherited != null) {
            // not read yet, but known: keep telling the next owner what the previous one finished
            holes.addAll(inherited.unfinished().tailSet(next, true));
            upTo = Math.max(next, inherited.next());
        }
        OffsetAndMetadata point = holes.isEmpty() ? new OffsetAndMetadata(upTo, "")
                : new OffsetAndMetadata(holes.first(), OffsetMetadata.encode(holes, upTo));
        return point.equals(lastCommitted) ? null : point;
    }

    void committed(OffsetAndMetadata point) {
        lastCommitted = point;
        finishedSinceCommit = 0;
    }
}
