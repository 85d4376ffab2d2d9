package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import java.util.List;
import java.util.Objects;

/** The deployment's send limits ({@code rateLimits} of the config file) in the live configuration. */
public final class RateLimitAdmin {

    private static final ConfigKind KIND = ConfigKind.RATE_LIMITS;

    private final LiveEntries entries;

    RateLimitAdmin(LiveEntries entries) {
        this.entries = Objects.requireNonNull(entries, "entries");
    }

    /** The limits with their version. */
    public Versioned get() {
        return LiveEntries.shown(entries.entry(KIND, LiveConfig.GLOBAL));
    }

    /** Replaces the limits; a limit left out takes its default, as in the file. */
    public Versioned replace(String actor, JsonNode body, Long ifMatch) {
        RateLimitSettings limits = ConfigLoader.bindPart(AdminBodies.copy(body), RateLimitSettings.class);
        LiveConfig after = entries.write(actor, List.of(new ConfigWriter.Change(KIND, LiveConfig.GLOBAL,
                ConfigLoader.treeOf(limits), null, ifMatch == null ? ConfigWriter.ANY : ifMatch,
                "rateLimits.replace")));
        return LiveEntries.shown(after, KIND, LiveConfig.GLOBAL);
    }
}
