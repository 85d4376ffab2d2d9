package io.smsotp.auth.admin;

import io.smsotp.config.live.ConfigEntry;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The entries of the live configuration as the admin services read and write them. */
final class LiveEntries {

    /** Tries of a read-modify-write whose caller named no version, when another change came in between. */
    private static final int TRIES = 3;

    private final ConfigWriter writer;
    private final Supplier<LiveConfig> live;

    LiveEntries(ConfigWriter writer, Supplier<LiveConfig> live) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.live = Objects.requireNonNull(live, "live");
    }

    /** The configuration now, from the topic: seeded first when the seed at start did not happen (Kafka away). */
    LiveConfig now() {
        LiveConfig now = live.get();
        if (!now.fromTopic()) {
            // what is shown must be what a write would change, with the versions a write checks
            writer.seedIfEmpty();
            now = live.get();
        }
        return now;
    }

    /** The entry, or a 404. */
    ConfigEntry entry(ConfigKind kind, String id) {
        return now().entry(kind, id).orElseThrow(() -> new ConfigWriteException(ConfigWriteException.Reason.NOT_FOUND,
                "no " + kind.prefix() + " '" + id + "'"));
    }

    /** Every entry of {@code kind}, providers in failover order. */
    List<ConfigEntry> all(ConfigKind kind) {
        return now().entries().values().stream().filter(e -> e.kind() == kind)
                .sorted(Comparator.comparingInt(ConfigEntry::position).thenComparing(ConfigEntry::id)).toList();
    }

    LiveConfig write(String actor, List<ConfigWriter.Change> changes) {
        return writer.write(actor, changes);
    }

    /** The entry just written, as shown. */
    static Versioned shown(LiveConfig after, ConfigKind kind, String id) {
        return shown(after.entry(kind, id).orElseThrow(() -> new IllegalStateException(kind.key(id)
                + " was written but is not in the configuration read back")));
    }

    static Versioned shown(ConfigEntry e) {
        return new Versioned(SecretMask.mask(e.kind(), e.body()), e.version());
    }

    /** The version a write of {@code current} expects: the caller's {@code If-Match}, else the version read. */
    static long expect(Long ifMatch, ConfigEntry current) {
        return ifMatch != null ? ifMatch : current.version();
    }

    /**
     * Runs a read-modify-write. When the caller named no version, a change that came in between
     * its read and its write is read and the step made again; with {@code If-Match}, it is a 412.
     */
    static <T> T update(Long ifMatch, Supplier<T> step) {
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (ConfigWriteException e) {
                if (ifMatch != null || e.reason() != ConfigWriteException.Reason.STALE || attempt == TRIES) {
                    throw e;
                }
            }
        }
    }
}
