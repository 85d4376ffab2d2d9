package io.smsotp.auth.lockout;

import io.smsotp.auth.Jdbc;
import io.smsotp.config.AuthSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Account lockout across challenges: consecutive wrong codes, and consecutive wrong passwords,
 * are counted per account in the shared database, so every auth-service instance sees the same
 * counts; at {@code maxFailures} of either the account is locked for
 * {@code baseDuration × 2^locks}, capped at {@code maxDuration}, and the counts start again. A
 * right code resets both counts, a right password only the password count (so a known password
 * cannot wipe the record of guessed codes); the number of locks is kept, so a repeated attack
 * meets longer locks. Updates take the row lock, so concurrent failures on several instances
 * are all counted.
 *
 * <p>The hosted login {@linkplain #charge charges} an attempt before it checks anything: the
 * count goes up first and comes down (resets) only when the entry was right, so guesses sent in
 * parallel are counted before any of them is answered and at most {@code maxFailures} in a row
 * are ever checked.
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

    /** What a failure is counted as: each kind has its own run of consecutive failures. */
    public enum Kind {
        /** A wrong SMS code or backup code. */
        CODE("failures"),
        /** A wrong password (or an unknown username). */
        PASSWORD("pw_failures");

        private final String column;

        Kind(String column) {
            this.column = column;
        }
    }

    /** What {@link #charge} decided. */
    public sealed interface Charge {
        /** The account is locked: check nothing, answer as locked. */
        record Locked(Instant until) implements Charge {
        }

        /** The attempt is counted; check it, then report {@link #failed} or {@link #succeeded}. */
        record Counted(String account, Kind kind, boolean last) implements Charge {
        }
    }

    /** What {@link #loginAccount} puts before the lower-cased username (the user store's key). */
    public static final String LOGIN_PREFIX = "login:";

    /** The account of a hosted-login user. */
    public static String loginAccount(String username) {
        return LOGIN_PREFIX + username.toLowerCase(Locale.ROOT);
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
            // counted first: the update takes the row's lock (see charge)
            Jdbc.execute(c, "UPDATE lockouts SET failures = failures + 1 WHERE account = ?", account);
            int failures;
            int locks;
            try (PreparedStatement ps = c.prepareStatement("SELECT failures, locks FROM lockouts WHERE account = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    failures = rs.getInt(1);
                    locks = rs.getInt(2);
                }
            }
            if (failures < settings.maxFailures()) {
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

    /**
     * Counts one attempt of {@code kind} on {@code account} as failed before it is checked. A
     * locked account is {@link Charge.Locked}; an attempt past the limit (which only parallel
     * requests can reach) locks the account at once.
     */
    public Charge charge(String account, Kind kind, Instant now) {
        Objects.requireNonNull(kind, "kind");
        return inTransaction(c -> {
            ensureRow(c, account);
            // Counted first, then read: the update takes the row's lock until the commit, as a SELECT
            // ... FOR UPDATE would, so parallel charges are counted one after another. H2 keeps the
            // parsed form of an UPDATE but parses every SELECT ... FOR UPDATE again (3 % of a hosted
            // login's profile, for the two charges and the address throttle's).
            Jdbc.execute(c, "UPDATE lockouts SET " + kind.column + " = " + kind.column + " + 1 WHERE account = ?",
                    account);
            int count;
            int locks;
            long lockedUntil;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + kind.column + ", locks, locked_until FROM lockouts WHERE account = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getInt(1);
                    locks = rs.getInt(2);
                    lockedUntil = rs.getLong(3);
                }
            }
            if (lockedUntil > now.toEpochMilli()) {
                // a locked account counts nothing: the run stays as the lock left it
                Jdbc.execute(c, "UPDATE lockouts SET " + kind.column + " = ? WHERE account = ?", count - 1, account);
                return new Charge.Locked(Instant.ofEpochMilli(lockedUntil));
            }
            if (count > settings.maxFailures()) {
                return new Charge.Locked(lock(c, account, locks, now, kind, count));
            }
            return new Charge.Counted(account, kind, count == settings.maxFailures());
        });
    }

    /**
     * The charged attempt was wrong. It is counted already; when it was the last one allowed the
     * account is locked now, and the end of the lock is returned.
     */
    public Optional<Instant> failed(Charge.Counted charge, Instant now) {
        if (!charge.last()) {
            return Optional.empty();
        }
        return inTransaction(c -> {
            int locks;
            long lockedUntil;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT locks, locked_until FROM lockouts WHERE account = ? FOR UPDATE")) {
                ps.setString(1, charge.account());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    locks = rs.getInt(1);
                    lockedUntil = rs.getLong(2);
                }
            }
            if (lockedUntil > now.toEpochMilli()) {
                // a parallel attempt past the limit locked it already: one lock, not two
                return Optional.of(Instant.ofEpochMilli(lockedUntil));
            }
            return Optional.of(lock(c, charge.account(), locks, now, charge.kind(), settings.maxFailures()));
        });
    }

    /**
     * The charged attempt was right: its run of failures ends (a right code also ends the
     * password run, since the password was right just before).
     */
    public void succeeded(Charge.Counted charge) {
        String reset = charge.kind() == Kind.CODE ? "failures = 0, pw_failures = 0" : "pw_failures = 0";
        inTransaction(c -> Jdbc.execute(c, "UPDATE lockouts SET " + reset + " WHERE account = ?", charge.account()));
    }

    /**
     * The charged attempt was never checked (the check could not be made): it is not counted
     * after all.
     */
    public void refund(Charge.Counted charge) {
        inTransaction(c -> Jdbc.execute(c, "UPDATE lockouts SET " + charge.kind().column + " = "
                + charge.kind().column + " - 1 WHERE account = ? AND " + charge.kind().column + " > 0",
                charge.account()));
    }

    private Instant lock(Connection c, String account, int locks, Instant now, Kind kind, int count)
            throws SQLException {
        Instant until = now.plus(lockDuration(locks));
        Jdbc.execute(c, "UPDATE lockouts SET failures = 0, pw_failures = 0, locks = ?, locked_until = ? "
                + "WHERE account = ?", locks + 1, until.toEpochMilli(), account);
        // a username typed at a failed password may be a password typed in the wrong field: not logged
        LOG.warn("account {} locked until {} after {} failed {} attempts (lock {})",
                kind == Kind.PASSWORD ? "(name withheld)" : account, until, count,
                kind.name().toLowerCase(Locale.ROOT), locks + 1);
        return until;
    }

    /**
     * An operator lifts the lock of {@code account}, in the caller's transaction {@code c}: the lock
     * ends now and both runs of failures start again. The number of earlier locks is kept, so that
     * an attack that goes on after the unlock still meets the longer locks it had earned.
     */
    public static void unlock(Connection c, String account) throws SQLException {
        Jdbc.execute(c, "UPDATE lockouts SET failures = 0, pw_failures = 0, locked_until = 0 WHERE account = ?", account);
    }

    /** Forgets {@code account} altogether (its user is deleted), in the caller's transaction {@code c}. */
    public static void forget(Connection c, String account) throws SQLException {
        Jdbc.execute(c, "DELETE FROM lockouts WHERE account = ?", account);
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
        Jdbc.ensureRow(c, "SELECT 1 FROM lockouts WHERE account = ?", new Object[] {account},
                "INSERT INTO lockouts (account, failures, locks, locked_until) VALUES (?, 0, 0, 0)", account);
    }

    private <T> T inTransaction(Jdbc.Work<T> work) {
        return Jdbc.inTransaction(db, "lockout update", work);
    }
}
