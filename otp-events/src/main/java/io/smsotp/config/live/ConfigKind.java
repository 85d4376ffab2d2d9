package io.smsotp.config.live;

import java.util.Arrays;
import java.util.Optional;

/** What an entry of {@code smsotp.config} holds; the first part of its key ({@code provider/twilio}). */
public enum ConfigKind {
    /** One SMS provider, as a {@code providers[]} item of the config file. */
    PROVIDER("provider"),
    /** One application, as an {@code apps[]} item (its API keys only as hashes). */
    APP("app"),
    /** The deployment's send limits, as {@code rateLimits} (id {@code global}). */
    RATE_LIMITS("rateLimits"),
    /** Written once with the first entries: from then on the topic, not the file, is the truth. */
    SEED("seed");

    private final String prefix;

    ConfigKind(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The record key of entry {@code id} of this kind. */
    public String key(String id) {
        return prefix + "/" + id;
    }

    /** The kind a record key names, or empty for a key no version of smsotp wrote. */
    public static Optional<ConfigKind> ofKey(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 1) {
            return Optional.empty();
        }
        String p = key.substring(0, slash);
        return Arrays.stream(values()).filter(k -> k.prefix.equals(p)).findFirst();
    }

    /** The id part of a record key. */
    public static String idOf(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
