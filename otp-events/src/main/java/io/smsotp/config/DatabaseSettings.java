package io.smsotp.config;

import java.util.Locale;

/**
 * auth-service's user store.
 *
 * @param jdbcUrl {@code jdbc:postgresql://...} in production; null means an embedded H2 file in the data dir
 * @param username database user, or null where the URL or the database needs none
 * @param password database password, or null; never shown
 * @param maxPoolSize connections the pool may hold open; a login needs one only briefly
 */
public record DatabaseSettings(String jdbcUrl, String username, String password, Integer maxPoolSize) {

    public DatabaseSettings {
        if (jdbcUrl != null) {
            String lower = jdbcUrl.strip().toLowerCase(Locale.ROOT);
            if (!lower.startsWith("jdbc:postgresql:") && !lower.startsWith("jdbc:h2:")) {
                // only the scheme is echoed: a URL may carry a password
                throw new IllegalArgumentException("database.jdbcUrl must start with jdbc:postgresql: or jdbc:h2:, was "
                        + scheme(lower));
            }
            jdbcUrl = jdbcUrl.strip();
        }
        if (username != null && username.isBlank()) {
            throw new IllegalArgumentException("database.username must not be blank");
        }
        maxPoolSize = Settings.atLeast("database.maxPoolSize", maxPoolSize, 10, 1);
    }

    public static DatabaseSettings defaults() {
        return new DatabaseSettings(null, null, null, null);
    }

    /** True when the store is the embedded H2 file in the data dir. */
    public boolean embedded() {
        return jdbcUrl == null;
    }

    private static String scheme(String url) {
        int second = url.indexOf(':', url.indexOf(':') + 1);
        return second < 0 ? "'" + (url.length() > 12 ? url.substring(0, 12) + "...'" : url + "'") : "'" + url.substring(0, second + 1) + "'";
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + (jdbcUrl == null ? "embedded H2" : scheme(jdbcUrl.toLowerCase(Locale.ROOT)) + "...")
                + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
