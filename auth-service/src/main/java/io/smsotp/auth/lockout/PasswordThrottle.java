package io.smsotp.auth.lockout;

import io.smsotp.auth.Jdbc;
import io.smsotp.config.AuthSettings;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Failed passwords per client IP, in fixed windows kept in the shared database: at
 * {@code max} failures in a window, every sign-in from that address is refused until the window
 * ends. This bounds guessing across many accounts from one place, which the per-account lock
 * cannot. An attempt is charged before the password is checked and given back when it was
 * right, so parallel guesses cannot outrun the count. (A fixed window lets through at most
 * {@code 2 × max} failures in any span of one window, at its edges.)
 */
public final class PasswordThrottle {

    private final DataSource db;
    private final AuthSettings.Throttle settings;

    public PasswordThrottle(DataSource db, AuthSettings.Throttle settings) {
        this.db = Objects.requireNonNull(db, "db");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Counts one password attempt from {@code ip} as failed; empty when it may be checked, or the
     * end of the window when this address has used up its failures.
     */
    public Optional<Instant> charge(String ip, Instant now) {
        if (ip == null) {
            return Optional.empty();
        }
        return inTransaction(c -> {
            Jdbc.ensureRow(c, "SELECT 1 FROM ip_password_failures WHERE ip = ?", new Object[] {ip},
                    "INSERT INTO ip_password_failures (ip, window_start, failures) VALUES (?, ?, 0)", ip,
                    now.toEpochMilli());
            // counted first, then read: the update takes the row's lock until the commit, with a
            // statement H2 keeps parsed (it parses every SELECT ... FOR UPDATE again)
            Jdbc.execute(c, "UPDATE ip_password_failures SET failures = failures + 1 WHERE ip = ?", ip);
            long start;
            int failures;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT window_start, failures FROM ip_password_failures WHERE ip = ?")) {
                ps.setString(1, ip);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    start = rs.getLong(1);
                    failures = rs.getInt(2);
                }
            }
            if (now.toEpochMilli() - start >= settings.window().toMillis()) {
                Jdbc.execute(c, "UPDATE ip_password_failures SET window_start = ?, failures = 1 WHERE ip = ?",
                        now.toEpochMilli(), ip);
                return Optional.<Instant>empty();
            }
            if (failures > settings.max()) {
                // refused: not counted, the window keeps the failures it had
                Jdbc.execute(c, "UPDATE ip_password_failures SET failures = ? WHERE ip = ?", settings.max(), ip);
                return Optional.of(Instant.ofEpochMilli(start).plus(settings.window()));
            }
            return Optional.<Instant>empty();
        });
    }

    /** The password charged for {@code ip} was right: it is not a failure after all. */
    public void refund(String ip) {
        if (ip != null) {
            inTransaction(c -> Jdbc.execute(c,
                    "UPDATE ip_password_failures SET failures = failures - 1 WHERE ip = ? AND failures > 0", ip));
        }
    }

    private <T> T inTransaction(Jdbc.Work<T> work) {
        return Jdbc.inTransaction(db, "password throttle update", work);
    }
}
