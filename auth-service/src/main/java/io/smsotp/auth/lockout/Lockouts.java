package io.smsotp.auth.lockout;

import io.smsotp.auth.Jdbc;
import io.smsotp.config.AuthSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Account lockout across challenges: consecutive wrong codes are counted per account in the
 * shared database, so every auth-service instance sees the same count; at
 * {@code maxFailures} the account is locked for {@code baseDuration × 2^locks}, capped at
 * {@code maxDuration}, and the count starts again. A right code resets the count (not the
 * number of locks, so a repeated attack meets longer locks). Updates take the row lock, so
 * concurrent failures on several instances are all counted.
 */
public final class Lockouts {

    private static final Logger LOG = LoggerFactory.getLogger(Lockouts.class);
    /** Rows of {@code challenge_accounts} stay this long after their challenge expired. */
    static final Duration KEEP_CHALLENGE_ACCOUNTS = Duration.ofHours(1);

    private final DataSource db;
    private final AuthSettings.Lockout settings;

    public Lockouts(DataSource db, AuthSettings.Lockout settings) {
        this.db = Objects.requireNonNull(db, "db");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The account of a hosted-login user. */
    public static String loginAccount(String username) {
        return "login:" + username.toLowerCase(Locale.ROOT);
    }

    /** The account of a user an application names in the 2FA API (its own user ids: one namespace per app). */
    public static String apiAccount(String appId, String user) {
        return "api:" + appId + ":" + user;
    }

    /** Until when {@code account} is locked, or empty when it is not locked at {@code now}. */
    public Optional<Instant> lockedUntil(String account, Instant now) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT locked_until FROM lockouts WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > now.toEpochMilli()) {
                    return Optional.of(Instant.ofEpochMilli(rs.getLong(1)));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the lockout of an account", e);
        }
    }

    /**
     * Counts one wrong code for {@code account}; when that reaches the limit the account is locked
     * and the end of the lock is returned.
     */
    public Optional<Instant> recordFailure(String account, Instant now) {
        return inTransaction(c -> {
            ensureRow(c, account);
            int failures;
            int locks;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT failures, locks FROM lockouts WHERE account = ? FOR UPDATE")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    failures = rs.getInt(1) + 1;
                    locks = rs.getInt(2);
                }
            }
            if (failures < settings.maxFailures()) {
                Jdbc.execute(c, "UPDATE lockouts SET failures = ? WHERE account = ?", failures, account);
                return Optional.<Instant>empty();
            }
            Instant until = now.plus(lockDuration(locks));
            Jdbc.execute(c, "UPDATE lockouts SET failures = 0, locks = ?, locked_until = ? WHERE account = ?",
                    locks + 1, until.toEpochMilli(), account);
            LOG.warn("account {} locked until {} after {} wrong codes (lock {})", account, until, failures, locks + 1);
            return Optional.of(until);
        });
    }

    /** A right code: the count of consecutive failures starts again. */
    public void recordSuccess(String account) {
        inTransaction(c -> Jdbc.execute(c, "UPDATE lockouts SET failures = 0 WHERE account = ?", account));
    }

    /** Remembers that 2FA API challenge {@code challengeId} belongs to {@code account}. */
    public void bindChallenge(String challengeId, String account, Instant expiresAt, Instant now) {
        inTransaction(c -> {
            Jdbc.execute(c, "DELETE FROM challenge_accounts WHERE expires_at < ?",
                    now.minus(KEEP_CHALLENGE_ACCOUNTS).toEpochMilli());
            return Jdbc.execute(c, "INSERT INTO challenge_accounts (challenge_id, account, expires_at) VALUES (?, ?, ?)",
                    challengeId, account, expiresAt.toEpochMilli());
        });
    }

    /** The account 2FA API challenge {@code challengeId} belongs to, if its creator named one. */
    public Optional<String> accountOf(String challengeId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT account FROM challenge_accounts WHERE challenge_id = ?")) {
            ps.setString(1, challengeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the account of a challenge", e);
        }
    }

    /** {@code baseDuration × 2^locks}, at most {@code maxDuration}. */
    Duration lockDuration(int locksBefore) {
        Duration d = settings.baseDuration();
        for (int i = 0; i < locksBefore && d.compareTo(settings.maxDuration()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxDuration()) > 0 ? settings.maxDuration() : d;
    }

    private static void ensureRow(Connection c, String account) throws SQLException {
        // insert-if-absent that both H2 and PostgreSQL take: a savepoint around a plain INSERT
        Savepoint before = c.setSavepoint();
        try {
            Jdbc.execute(c, "INSERT INTO lockouts (account, failures, locks, locked_until) VALUES (?, 0, 0, 0)", account);
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = db.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lockout update failed", e);
        }
    }
}
