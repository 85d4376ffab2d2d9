package io.smsotp.stream.limit;

import io.smsotp.events.JsonSerde;
import io.smsotp.stream.expiry.ExpiryIndex;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The send windows of one challenge task: limit key → {@link SendWindow}, and an index of when
 * each key's sends leave their window, so that a sweep forgets emptied keys and touches only
 * those. The store holds only keys with sends in their window.
 */
public final class SendCounts {

    /** The windows; changelog {@code <application.id>-challenge-send-limits-changelog}. */
    public static final String STORE = "challenge-send-limits";
    /** When each key's sends leave: local, no changelog ({@link #rebuildIndex} at a task's start). */
    public static final String EXPIRY_STORE = "challenge-send-limit-expiry";

    private final KeyValueStore<String, SendWindow> windows;
    private final ExpiryIndex expiry;

    public SendCounts(KeyValueStore<String, SendWindow> windows, ExpiryIndex expiry) {
        this.windows = windows;
        this.expiry = expiry;
    }

    /** Both stores, for the processor that counts the sends. */
    public static Set<StoreBuilder<?>> storeBuilders() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                JsonSerde.serdeFor(SendWindow.class)), ExpiryIndex.storeBuilder(EXPIRY_STORE));
    }

    /** The key's stored window, or null. */
    public SendWindow get(String key) {
        return windows.get(key);
    }

    /**
     * Indexes every stored key at the time its last send leaves the window, which is when the sweep
     * forgets it: what a task does when it starts, after the windows were restored.
     *
     * @return how many keys were indexed
     */
    public int rebuildIndex() {
        return expiry.rebuild(windows, SendCounts::lastLeaves);
    }

    /** When the last send of {@code window} leaves it; an empty window (never stored) is due at once. */
    static Instant lastLeaves(SendWindow window) {
        if (window.isEmpty()) {
            return Instant.EPOCH;
        }
        return Instant.ofEpochMilli(window.slots().get(window.slots().size() - 1).last() + window.windowMillis());
    }

    /** Stores what a granted verdict counted. */
    public void count(SendVerdict verdict, long now) {
        for (Map.Entry<String, SendWindow> e : verdict.counted().entrySet()) {
            windows.put(e.getKey(), e.getValue());
            expiry.add(Instant.ofEpochMilli(now + e.getValue().windowMillis()), e.getKey());
        }
    }

    /** Forgets keys whose every send has left the window; touches only keys with a send due to leave. */
    public void sweep(long now, int maxPerSweep) {
        for (ExpiryIndex.Entry entry : expiry.due(now, maxPerSweep)) {
            expiry.remove(entry);
            SendWindow stored = windows.get(entry.id());
            if (stored == null) {
                continue;
            }
            SendWindow current = stored.at(now, stored.windowMillis());
            if (current.isEmpty()) {
                windows.delete(entry.id());
            } else {
                if (!current.equals(stored)) {
                    windows.put(entry.id(), current);
                }
                // the last send has an entry of its own at this same time (the index key is
                // time + id, so this adds nothing then); it matters only if the window changed
                expiry.add(lastLeaves(current), entry.id());
            }
        }
    }
}
