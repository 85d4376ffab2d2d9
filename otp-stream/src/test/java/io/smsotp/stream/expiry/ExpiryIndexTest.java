package io.smsotp.stream.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Key order, checked with {@link Bytes#compareTo}: RocksDB's default comparator orders keys the same
 * way, bytewise and unsigned. The topology tests run the index on RocksDB itself.
 */
class ExpiryIndexTest {

    @Test
    void keysSortByTimeFirstWhateverTheIds() {
        Bytes early = ExpiryIndex.key(255, "zzzz");
        Bytes later = ExpiryIndex.key(256, "aaaa");
        Bytes muchLater = ExpiryIndex.key(1L << 40, "0");
        Bytes latest = ExpiryIndex.key(Long.MAX_VALUE, "a");

        assertThat(early).isLessThan(later);
        assertThat(later).isLessThan(muchLater);
        assertThat(muchLater).isLessThan(latest);
    }

    @Test
    void idsWithBytesAboveSevenBitsDoNotJumpTheirTime() {
        // é is 0xC3 0xA9 in UTF-8: a signed comparison would put it before time 0x00..
        assertThat(ExpiryIndex.key(1000, "é")).isLessThan(ExpiryIndex.key(1001, "a"));
        assertThat(ExpiryIndex.key(1000, "a")).isLessThan(ExpiryIndex.key(1000, "é"));
    }

    @Test
    void rangeFromZeroToNowHoldsExactlyTheDueEntries() {
        NavigableMap<Bytes, String> index = new TreeMap<>();
        long now = 1_893_456_000_000L;
        for (long at : new long[] {0, 1, now - 1, now, now + 1, now + 1000, Long.MAX_VALUE / 2}) {
            for (String id : List.of("0", "a", "m", "\u00ff\u00ff")) {
                index.put(ExpiryIndex.key(at, id), at + "/" + id);
            }
        }

        NavigableMap<Bytes, String> due = index.subMap(ExpiryIndex.lowerBound(), true,
                ExpiryIndex.upperBound(now), true);

        assertThat(due.values()).hasSize(16)
                .allSatisfy(v -> assertThat(Long.parseLong(v.substring(0, v.indexOf('/')))).isLessThanOrEqualTo(now));
    }

    @Test
    void entriesReadBackTheirTimeAndId() {
        Bytes key = ExpiryIndex.key(1_893_456_000_123L, "3f1c-é-id");

        assertThat(ExpiryIndex.Entry.of(key)).isEqualTo(new ExpiryIndex.Entry(1_893_456_000_123L, "3f1c-é-id"));
    }

    @Test
    void dueHandsOutEachDueEntryOnceAndNothingThatIsNotDue() {
        ExpiryIndex index = new ExpiryIndex(inMemoryStore());
        index.add(Instant.ofEpochMilli(1_000), "b");
        index.add(Instant.ofEpochMilli(1_000), "a");
        index.add(Instant.ofEpochMilli(2_000), "c");
        index.add(Instant.ofEpochMilli(3_000), "d");

        List<ExpiryIndex.Entry> first = index.due(2_000, 100);
        first.forEach(index::remove);
        List<ExpiryIndex.Entry> again = index.due(2_500, 100);

        assertThat(first).extracting(ExpiryIndex.Entry::id).containsExactly("a", "b", "c");
        assertThat(again).isEmpty();
        assertThat(index.due(3_000, 100)).extracting(ExpiryIndex.Entry::id).containsExactly("d");
    }

    @Test
    void rebuildIndexesEveryRecordOfThePrimaryStoreAtItsDueTimeAndKeepsWhatIsThere() {
        KeyValueStore<String, Long> primary = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("primary"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        primary.init(new MockProcessorContext<>().getStateStoreContext(), primary);
        primary.put("a", 3_000L);
        primary.put("b", 1_000L);
        primary.put("c", -1L);
        primary.put("d", 2_000L);
        ExpiryIndex index = new ExpiryIndex(inMemoryStore());
        index.add(Instant.ofEpochMilli(500), "left-over");

        int added = index.rebuild(primary, due -> due < 0 ? null : Instant.ofEpochMilli(due));

        assertThat(added).isEqualTo(3);
        assertThat(index.due(2_000, 100)).extracting(ExpiryIndex.Entry::id).containsExactly("left-over", "b", "d");
        assertThat(index.due(3_000, 100)).extracting(ExpiryIndex.Entry::id).containsExactly("a");
        assertThat(index.due(Long.MAX_VALUE / 2, 100)).isEmpty();
    }

    @Test
    void aFullBatchLeavesTheRestForTheNextScan() {
        ExpiryIndex index = new ExpiryIndex(inMemoryStore());
        for (String id : List.of("a", "b", "c")) {
            index.add(Instant.ofEpochMilli(1_000), id);
        }

        List<ExpiryIndex.Entry> batch = index.due(5_000, 2);
        batch.forEach(index::remove);

        assertThat(batch).extracting(ExpiryIndex.Entry::id).containsExactly("a", "b");
        assertThat(index.due(5_000, 2)).extracting(ExpiryIndex.Entry::id).containsExactly("c");
    }

    @Test
    void anEntryAddedBelowWhatWasSweptIsStillFound() {
        ExpiryIndex index = new ExpiryIndex(inMemoryStore());
        index.due(10_000, 100);

        // a wall clock that stepped back indexes a time the last scan had passed
        index.add(Instant.ofEpochMilli(9_000), "late");

        assertThat(index.due(9_500, 100)).extracting(ExpiryIndex.Entry::id).containsExactly("late");
    }

    @Test
    void aSweepVisitsOnlyTheDueEntriesNotTheLiveOnes() {
        AtomicInteger visited = new AtomicInteger();
        KeyValueStore<Bytes, byte[]> store = countingSteps(inMemoryStore(), visited);
        ExpiryIndex index = new ExpiryIndex(store);
        long now = 1_893_456_000_000L;
        for (int i = 0; i < 10_000; i++) {
            // due a minute from now and later, whatever their ids (which sort before the due ones')
            index.add(Instant.ofEpochMilli(now + 60_000 + i * 60L), "alive-" + i);
        }
        for (String id : List.of("due-1", "due-2", "due-3")) {
            index.add(Instant.ofEpochMilli(now - 1_000), id);
        }

        List<ExpiryIndex.Entry> due = index.due(now, 10_000);

        assertThat(due).extracting(ExpiryIndex.Entry::id).containsExactly("due-1", "due-2", "due-3");
        // three steps for three due entries: none of the 10,000 live ones was read
        assertThat(visited).hasValue(3);

        visited.set(0);
        due.forEach(index::remove);
        assertThat(index.due(now + 30, 10_000)).isEmpty();
        assertThat(visited).hasValue(0);
    }

    @Test
    void aSweepOfManyEntriesDueAtOneTimeNeverWalksTheOnesItAlreadyHandedOut() {
        AtomicInteger visited = new AtomicInteger();
        ExpiryIndex index = new ExpiryIndex(keepingTombstones(visited));
        for (int i = 0; i < 30; i++) {
            // due in the same millisecond: more than one batch's worth
            index.add(Instant.ofEpochMilli(1_000), String.format("c-%02d", i));
        }

        for (int batch = 0; batch < 3; batch++) {
            index.due(5_000, 10).forEach(index::remove);
        }
        List<ExpiryIndex.Entry> after = index.due(5_000, 10);

        assertThat(after).isEmpty();
        // each entry read once; a scan that started at the batch's time again would step over the
        // removed ones too, which RocksDB keeps as tombstones until compaction (10 + 20 + 30 + 30):
        // the cost of a sweep would grow with what was swept before it
        assertThat(visited).hasValue(30);
    }

    /**
     * A sorted store that, like RocksDB until compaction, keeps a deleted key as a tombstone that a
     * range scan must step over: {@code visited} counts every key a scan passes, live or deleted.
     */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<Bytes, byte[]> keepingTombstones(AtomicInteger visited) {
        NavigableMap<Bytes, byte[]> keys = new TreeMap<>();
        byte[] tombstone = new byte[0];
        InvocationHandler onStore = (proxy, method, args) -> switch (method.getName()) {
            case "put" -> keys.put((Bytes) args[0], ((byte[]) args[1]).clone());
            case "delete" -> keys.put((Bytes) args[0], tombstone);
            case "range" -> {
                var it = keys.subMap((Bytes) args[0], true, (Bytes) args[1], true).entrySet().iterator();
                yield new KeyValueIterator<Bytes, byte[]>() {
                    private KeyValue<Bytes, byte[]> next;

                    @Override
                    public boolean hasNext() {
                        while (next == null && it.hasNext()) {
                            var e = it.next();
                            visited.incrementAndGet();
                            if (e.getValue() != tombstone) {
                                next = KeyValue.pair(e.getKey(), e.getValue());
                            }
                        }
                        return next != null;
                    }

                    @Override
                    public KeyValue<Bytes, byte[]> next() {
                        if (!hasNext()) {
                            throw new java.util.NoSuchElementException();
                        }
                        KeyValue<Bytes, byte[]> kv = next;
                        next = null;
                        return kv;
                    }

                    @Override
                    public Bytes peekNextKey() {
                        return hasNext() ? next.key : null;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            default -> throw new UnsupportedOperationException(method.getName());
        };
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(ExpiryIndexTest.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, onStore);
    }

    /** {@code store} with every step of a range iterator counted: the cost of a scan, in entries read. */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<Bytes, byte[]> countingSteps(KeyValueStore<Bytes, byte[]> store, AtomicInteger steps) {
        InvocationHandler onStore = (proxy, method, args) -> {
            Object result = invoke(store, method, args);
            if (method.getName().equals("range") || method.getName().equals("all")) {
                Object iterator = result;
                return Proxy.newProxyInstance(ExpiryIndexTest.class.getClassLoader(),
                        new Class<?>[] {KeyValueIterator.class}, (p, m, a) -> {
                            if (m.getName().equals("next")) {
                                steps.incrementAndGet();
                            }
                            return invoke(iterator, m, a);
                        });
            }
            return result;
        };
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(ExpiryIndexTest.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, onStore);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static KeyValueStore<Bytes, byte[]> inMemoryStore() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    @Test
    void refusesTimesBefore1970AndEmptyIds() {
        assertThatThrownBy(() -> ExpiryIndex.key(-1, "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExpiryIndex.key(1, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
