package io.smsotp.auth.users;

import io.smsotp.auth.Jdbc;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.config.UserConfig;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The operator's side of the user store (admin API, console): profiles with roles and lock state,
 * searched a page at a time, created, replaced, given new backup codes, unlocked, deleted.
 *
 * <p>Every change first takes the user's row lock ({@code SELECT ... FOR UPDATE}) and checks the
 * caller's version of the profile under it, so of two edits made from the same version exactly one
 * passes. The caller's {@code audit} runs inside the same transaction, before the commit: a change
 * whose audit record cannot be written is not made.
 */
public final class UserProfiles {

    /** The most users one page holds. */
    public static final int MAX_LIMIT = 200;
    /** Backup codes per generation, and their length. */
    public static final int NEW_CODES = 10;
    public static final int NEW_CODE_DIGITS = 8;
    /**
     * A lock waited for (H2's lock timeout) or a serialization failure or deadlock (PostgreSQL): two
     * changes of one user at once, one of which gave up.
     */
    private static final Set<String> CONCURRENT_STATES = Set.of("HYT00", "55P03", "40001", "40P01");

    /** A change: the profile before (null when made by it) and after (null when deleted by it). */
    public record Change(UserProfile before, UserProfile after) {
    }

    /** New backup codes, to be shown once, and the change they made. */
    public record IssuedCodes(List<String> codes, Change change) {
        @Override
        public String toString() {
            return "IssuedCodes[codes=" + codes.size() + " (not shown), change=" + change + "]";
        }
    }

    /** One page of a search, and how many users match in all. */
    public record Page(List<UserProfile> items, int total, int offset, int limit) {
    }

    private final DataSource db;
    private final PasswordHasher hasher;
    private final BackupCodes codes;
    private final SecureRandom random = new SecureRandom();

    UserProfiles(DataSource db, PasswordHasher hasher, BackupCodes codes) {
        this.db = db;
        this.hasher = hasher;
        this.codes = codes;
    }

    /** The user named {@code username} (any case), with the lock state at {@code now}. */
    public Optional<UserProfile> find(String username, Instant now) {
        if (!UserConfig.isUsername(username)) {
            return Optional.empty();
        }
        return Optional.ofNullable(inTransaction(c -> ProfileRows.read(c, UserStore.key(username), now)));
    }

    /**
     * Users whose username (any case) or mobile number contains {@code query} (all when blank), in
     * username order, skipping {@code offset}, at most {@code limit} (1..{@value #MAX_LIMIT}).
     */
    public Page list(String query, int offset, int limit, Instant now) {
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("offset must be >= 0 and limit 1.." + MAX_LIMIT);
        }
        String q = query == null ? "" : query.strip();
        return inTransaction(c -> new Page(ProfileRows.search(c, q, offset, limit, now), ProfileRows.count(c, q),
                offset, limit));
    }

    /** Makes a user; {@link UserChangeException.Reason#EXISTS} when the name is taken in any case. */
    public Change create(String username, String password, ProfileEdit profile, Instant now, Consumer<Change> audit) {
        UserConfig.requireUsername(username);
        if (Objects.requireNonNull(password, "password").isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
        Objects.requireNonNull(profile, "profile");
        // the slow part (Argon2id) before the transaction, so no lock waits for it
        String hash = hasher.hash(password.toCharArray());
        String key = UserStore.key(username);
        return inTransaction(c -> {
            if (!Jdbc.insertIfAbsent(c, "INSERT INTO users (username_key, username, password_hash) VALUES (?, ?, ?)",
                    key, username, hash)) {
                throw new UserChangeException(UserChangeException.Reason.EXISTS,
                        "a user named '" + username + "' exists already (usernames match in any case)");
            }
            Jdbc.execute(c, "UPDATE users SET mobile = ?, disable_sms_otp = ? WHERE username_key = ?",
                    profile.mobile(), profile.disableSmsOtp(), key);
            replaceRoles(c, key, profile.roles());
            Change change = new Change(null, ProfileRows.read(c, key, now));
            audit.accept(change);
            return change;
        });
    }

    /**
     * Replaces the profile. A number that stays the same keeps its mark of a number the user typed
     * at login (mobile capture): only a number the operator types is the operator's.
     */
    public Change replace(String username, Predicate<String> expected, ProfileEdit profile, Instant now,
                          Consumer<Change> audit) {
        Objects.requireNonNull(profile, "profile");
        return edit(username, expected, now, audit, (c, key, before) -> {
            if (!Objects.equals(before.mobile(), profile.mobile())) {
                Jdbc.execute(c, "UPDATE users SET mobile = ?, mobile_captured_by = NULL, mobile_captured_at = NULL"
                        + " WHERE username_key = ?", profile.mobile(), key);
            }
            Jdbc.execute(c, "UPDATE users SET disable_sms_otp = ? WHERE username_key = ?", profile.disableSmsOtp(), key);
            replaceRoles(c, key, profile.roles());
        });
    }

    /** Replaces the user's backup codes with {@value #NEW_CODES} new ones, returned here and nowhere else. */
    public IssuedCodes newBackupCodes(String username, Predicate<String> expected, Instant now, Consumer<Change> audit) {
        List<String> plain = BackupCodes.generate(random, NEW_CODES, NEW_CODE_DIGITS);
        Change change = edit(username, expected, now, audit, (c, key, before) -> {
            Jdbc.execute(c, "DELETE FROM backup_codes WHERE username_key = ?", key);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO backup_codes (username_key, code_mac) VALUES (?, ?)")) {
                for (String mac : BackupCodes.macs(codes, key, plain)) {
                    ps.setString(1, key);
                    ps.setString(2, mac);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
        return new IssuedCodes(plain, change);
    }

    /** Lifts the hosted login's lock and clears its failure counts ({@link Lockouts#unlock}). */
    public Change unlock(String username, Predicate<String> expected, Instant now, Consumer<Change> audit) {
        return edit(username, expected, now, audit,
                (c, key, before) -> Lockouts.unlock(c, Lockouts.loginAccount(key)));
    }

    /**
     * Deletes the user with what refers to them: roles and backup codes (by the schema), the
     * login's lock, and the OIDC codes and access tokens issued to them, which stop working now.
     * The store's audit log keeps its entries: it is history.
     */
    public Change delete(String username, Predicate<String> expected, Instant now, Consumer<Change> audit) {
        return edit(username, expected, now, audit, (c, key, before) -> {
            for (String table : List.of("oidc_codes", "oidc_access_tokens")) {
                Jdbc.execute(c, "DELETE FROM " + table + " WHERE username = ? OR LOWER(username) = ?",
                        before.username(), key);
            }
            Lockouts.forget(c, Lockouts.loginAccount(key));
            Jdbc.execute(c, "DELETE FROM users WHERE username_key = ?", key);
        });
    }

    /** Replaces the roles of the user {@code key} (the config file's import uses it too). */
    static void replaceRoles(Connection c, String key, List<String> roles) throws SQLException {
        Jdbc.execute(c, "DELETE FROM user_roles WHERE username_key = ?", key);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_roles (username_key, role) VALUES (?, ?)")) {
            for (String role : roles) {
                ps.setString(1, key);
                ps.setString(2, role);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private interface Mutation {
        void apply(Connection c, String key, UserProfile before) throws SQLException;
    }

    /** Locks the user's row, checks the version, applies {@code mutation}, audits, commits. */
    private Change edit(String username, Predicate<String> expected, Instant now, Consumer<Change> audit,
                        Mutation mutation) {
        Objects.requireNonNull(audit, "audit");
        if (!UserConfig.isUsername(username)) {
            throw notFound(username);
        }
        String key = UserStore.key(username);
        return inTransaction(c -> {
            // the row lock first: a second edit waits here and then reads what the first one wrote
            if (!ProfileRows.lock(c, key)) {
                throw notFound(username);
            }
            UserProfile before = ProfileRows.read(c, key, now);
            if (expected != null && !expected.test(before.version())) {
                throw new UserChangeException(UserChangeException.Reason.STALE, "user '" + before.username()
                        + "' changed since the version given in If-Match; read it again");
            }
            mutation.apply(c, key, before);
            Change change = new Change(before, ProfileRows.read(c, key, now));
            audit.accept(change);
            return change;
        });
    }

    private static UserChangeException notFound(String username) {
        return new UserChangeException(UserChangeException.Reason.NOT_FOUND, "no user named '" + username + "'");
    }

    private <T> T inTransaction(Jdbc.Work<T> work) {
        try {
            return Jdbc.inTransaction(db, "user profile change", work);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException sql) {
                if (CONCURRENT_STATES.contains(sql.getSQLState())) {
                    throw new UserChangeException(UserChangeException.Reason.CONCURRENT,
                            "another change of this user is in progress; try again");
                }
                throw new UserStoreException("user store: " + e.getMessage(), sql);
            }
            throw e;
        }
    }
}
