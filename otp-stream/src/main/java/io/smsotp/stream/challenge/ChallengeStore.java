package io.smsotp.stream.challenge;

import io.smsotp.events.JsonSerde;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The challenges store (challenge id → {@link ChallengeRecord}), declared once with its serdes. */
public final class ChallengeStore {

    /** The store's name; its changelog is {@code <application.id>-challenges-changelog}. */
    public static final String NAME = "challenges";
    public static final Serde<String> KEY_SERDE = Serdes.String();
    public static final Serde<ChallengeRecord> VALUE_SERDE = JsonSerde.serdeFor(ChallengeRecord.class);

    private ChallengeStore() {
    }

    /** Persistent (RocksDB, changelogged): challenges outlive restarts and move with their partition. */
    public static StoreBuilder<KeyValueStore<String, ChallengeRecord>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), KEY_SERDE, VALUE_SERDE);
    }
}
