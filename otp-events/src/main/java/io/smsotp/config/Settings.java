package io.smsotp.config;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;

/** Small checks shared by the config records' compact constructors. */
final class Settings {

    /**
     * What every service's stop may take by default: within the 10 s after which docker (compose)
     * follows its SIGTERM with a SIGKILL, with room for the JVM to exit.
     */
    static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(8);

    private Settings() {
    }

    static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    static int port(String key, Integer value, int fallback) {
        int port = value == null ? fallback : value;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be 0..65535, was " + port);
        }
        return port;
    }

    /** A management port: 0..65535 (0: any free port), or -1 for no management server. */
    static int managementPort(String key, Integer value, int fallback) {
        int port = value == null ? fallback : value;
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException(key + " must be 0..65535, or -1 for none, was " + port);
        }
        return port;
    }

    static Duration positive(String key, Duration value, Duration fallback) {
        Duration d = value == null ? fallback : value;
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive, was " + d);
        }
        return d;
    }

    /** The longest a stop may take: the fallback when unset, else 1 s .. 5 min. */
    static Duration shutdownTimeout(String key, Duration value) {
        Duration d = value == null ? DEFAULT_SHUTDOWN_TIMEOUT : value;
        // below a second there is no time to commit and leave the group; far above the orchestrator's
        // stop timeout the process is killed anyway, and a typo (PT8H) would only keep a dead one around
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(key + " must be 1 s .. 5 min (e.g. PT8S), was " + d);
        }
        return d;
    }

    static int atLeast(String key, Integer value, int fallback, int min) {
        int v = value == null ? fallback : value;
        if (v < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", was " + v);
        }
        return v;
    }

    static String nonBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    /** A base64 secret of at least 32 bytes, or null when not given. */
    static byte[] secret(String key, String base64) {
        if (base64 == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be base64 (value not shown)");
        }
        if (bytes.length < 32) {
            throw new IllegalArgumentException(key + " must hold at least 32 bytes, held " + bytes.length);
        }
        return bytes;
    }

    static URI httpUrl(String key, String value) {
        nonBlank(key, value);
        URI uri;
        try {
            // placeholders are not URL characters; check the shape with them filled in
            uri = URI.create(value.replace("$ctx.", "ctx_"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a URL: " + value);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an http(s) URL with a host, was " + value);
        }
        return uri;
    }
}
