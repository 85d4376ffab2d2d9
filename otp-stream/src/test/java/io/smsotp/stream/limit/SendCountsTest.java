package io.smsotp.stream.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.JsonSerde;
import io.smsotp.stream.expiry.ExpiryIndex;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The send windows' sweep index, which has no changelog and is rebuilt from the windows when a task starts. */
class SendCountsTest {

    private static final long MINUTE = 60_000;

    @Test
    void aRebuiltIndexLetsTheSweepForgetEachKeyWhenItsLastSendLeaves() {
        KeyValueStore<String, SendWindow> windows = store(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("windows"), Serdes.String(), JsonSerde.serdeFor(SendWindow.class))
                .withLoggingDisabled().build());
        windows.put("k1", new SendWindow(MINUTE, List.of(new SendWindow.Slot(5_000, 10_000, 3))));
        windows.put("k2", new SendWindow(MINUTE, List.of(new SendWindow.Slot(1_000, 1_000, 1),
                new SendWindow.Slot(20_000, 20_000, 1))));

        // as restored on a new instance: the windows are there, their index is not
        SendCounts unindexed = new SendCounts(windows, new ExpiryIndex(index()));
        unindexed.sweep(10 * MINUTE, 100);
        assertThat(windows.approximateNumEntries()).as("nothing is forgotten without an index").isEqualTo(2);

        SendCounts counts = new SendCounts(windows, new ExpiryIndex(index()));
        assertThat(counts.rebuildIndex()).isEqualTo(2);

        counts.sweep(10_000 + MINUTE - 1, 100);
        assertThat(counts.get("k1")).isNotNull();
        counts.sweep(10_000 + MINUTE, 100);
        assertThat(counts.get("k1")).isNull();
        assertThat(counts.get("k2")).isNotNull();
        counts.sweep(20_000 + MINUTE, 100);
        assertThat(counts.get("k2")).isNull();
    }

    @Test
    void theLastSendLeavesOneWindowAfterIt() {
        SendWindow window = new SendWindow(MINUTE, List.of(new SendWindow.Slot(1_000, 2_000, 2),
                new SendWindow.Slot(30_000, 31_000, 4)));

        assertThat(SendCounts.lastLeaves(window).toEpochMilli()).isEqualTo(31_000 + MINUTE);
        assertThat(SendCounts.lastLeaves(SendWindow.empty(MINUTE)).toEpochMilli()).isZero();
    }

    private static KeyValueStore<Bytes, byte[]> index() {
        return store(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build());
    }

    private static <S extends StateStore> S store(S store) {
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
