package io.smsotp.stream.expiry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A time-ordered index of when each entry (a challenge, or a send-limit key) next needs the sweep:
 * key = 8-byte big-endian epoch millis, then the id in UTF-8. RocksDB orders keys bytewise, so a range scan from 0 to
 * now returns exactly the due entries, oldest first, and never touches an entry that is not
 * due: a sweep costs what expires, not what is alive.
 *
 * <p>The index is derived, not kept: its store has no changelog, and a task {@link #rebuild rebuilds}
 * it from the store it indexes when it starts, after Kafka Streams has restored that store. It
 * only tells the sweep where to look, and the sweep decides from the indexed record alone, so an
 * entry left over from before a restart (or from a transaction that was aborted) costs a look and
 * nothing else. Logging it would write four more records per challenge (added, swept, added for
 * the purge, purged) and one per counted send, each replicated and committed, for state that the
 * primary store already holds.
 */
public final class ExpiryIndex {

    /** The store's name (local only: it has no changelog). */
    public static final String STORE = "challenge-expiry-index";

    private static final int TIME_BYTES = Long.BYTES;
    /** The value carries nothing: the key says everything. Empty, not null: null would delete. */
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;
    /**
     * Where the next scan starts: every key below it was handed out by {@link #due} (and removed).
     * Scanning from here rather than from 0 skips the tombstones RocksDB keeps for swept entries
     * until compaction, which would otherwise grow the cost of every scan with what was swept before.
     * A key, not a time: after a full batch the next scan starts just past its last entry, so many
     * entries due in one millisecond are not walked again batch after batch. In memory only: after
     * a restart the first scan starts at 0 again, which is always correct.
     */
    private Bytes scanFrom = lowerBound();

    public ExpiryIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The local store behind the challenges' index, declared once for the topology. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder() {
        return storeBuilder(STORE);
    }

    /**
     * A store for an index of another kind of entry, under its own name: RocksDB, so a large index
     * stays off the heap, and without a changelog, since a task rebuilds it when it starts.
     */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled();
    }

    /**
     * Adds an entry for every record of {@code primary} at the time {@code dueAt} gives it (none where
     * it gives null): what a task does when it starts, after its primary store was restored. Entries
     * already there stay; adding one again changes nothing.
     *
     * @return how many entries were added
     */
    public <V> int rebuild(KeyValueStore<String, V> primary, Function<V, Instant> dueAt) {
        int added = 0;
        try (KeyValueIterator<String, V> all = primary.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> kv = all.next();
                Instant at = kv.value == null ? null : dueAt.apply(kv.value);
                if (at != null) {
                    add(at, kv.key);
                    added++;
                }
            }
        }
        return added;
    }

    /** An entry that makes {@code id} due at {@code at}. */
    public void add(Instant at, String id) {
        Bytes key = key(at.toEpochMilli(), id);
        store.put(key, PRESENT);
        // only a wall clock stepping back can index below what was swept; scan from there again
        if (key.compareTo(scanFrom) < 0) {
            scanFrom = key;
        }
    }

    /**
     * Up to {@code limit} entries due at or before {@code nowMillis}, oldest first. The caller
     * {@link #remove removes} each one it gets (and may {@link #add add} it again, for later).
     */
    public List<Entry> due(long nowMillis, int limit) {
        List<Entry> due = new ArrayList<>();
        Bytes last = null;
        // collected first and changed after: writing into a store while iterating it is not defined
        try (KeyValueIterator<Bytes, byte[]> it = store.range(scanFrom, upperBound(nowMillis))) {
            while (due.size() < limit && it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                due.add(Entry.of(kv.key));
                last = kv.key;
            }
        }
        // a full batch may leave more entries behind, even of its last time: the next scan starts
        // right after its last key; otherwise nothing is left up to now
        scanFrom = due.size() < limit ? upperBound(nowMillis) : justAfter(last);
        return due;
    }

    /** Drops one entry, once the sweep has acted on it. */
    public void remove(Entry entry) {
        store.delete(key(entry.dueAtMillis(), entry.id()));
    }

    /** The index key of {@code id} due at {@code epochMillis}. */
    public static Bytes key(long epochMillis, String id) {
        if (id == null || id.isEmpty()) {
            // the bare 8-byte time is reserved for the scan's bounds
            throw new IllegalArgumentException("an id is required");
        }
        return bare(epochMillis, id.getBytes(StandardCharsets.UTF_8));
    }

    /** The smallest key that sorts after {@code key}: the same bytes and a zero byte. */
    private static Bytes justAfter(Bytes key) {
        return Bytes.wrap(Arrays.copyOf(key.get(), key.get().length + 1));
    }

    /** The smallest key there can be. */
    static Bytes lowerBound() {
        return bare(0, new byte[0]);
    }

    /**
     * The range's inclusive end for "due at or before now": the bare 8 bytes of now + 1 sort after
     * every key of time now and before every real key of time now + 1, which all carry an id.
     */
    static Bytes upperBound(long nowMillis) {
        return bare(nowMillis + 1, new byte[0]);
    }

    private static Bytes bare(long epochMillis, byte[] id) {
        if (epochMillis < 0) {
            // a negative time would sort after every positive one, bytewise
            throw new IllegalArgumentException("times before 1970 cannot be indexed: " + epochMillis);
        }
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES + id.length).putLong(epochMillis).put(id).array());
    }

    /** One index entry, read back from its key. */
    public record Entry(long dueAtMillis, String id) {
        static Entry of(Bytes key) {
            ByteBuffer buf = ByteBuffer.wrap(key.get());
            long at = buf.getLong();
            return new Entry(at, new String(key.get(), TIME_BYTES, key.get().length - TIME_BYTES,
                    StandardCharsets.UTF_8));
        }
    }
}
