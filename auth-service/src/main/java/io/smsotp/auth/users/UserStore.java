package io.smsotp.auth.users;

import io.smsotp.auth.Jdbc;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.smsotp.config.DatabaseSettings;
import io.smsotp.config.UserConfig;
import io.smsotp.auth.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users auth-service logs in: passwords as Argon2id, claims (mobile, SMS OTP opt-out, roles)
 * and backup codes, in H2 (embedded, the default) or PostgreSQL, schema by Flyway.
 */
public final class UserStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UserStore.class);
    static final String H2_FILE = "users";
    private static final String H2_SUFFIX = ".mv.db";
    private static final String KEY_CHECK = "backup_code_key_check";

    private final HikariDataSource pool;
    private final PasswordHasher hasher = new PasswordHasher();
    private final BackupCodes codes;
    private final UserProfiles profiles;
    /** Verified against for an unknown user, so that path costs one Argon2id run like a known user's. */
    private final String dummyHash;

    /** The data dir holding the H2 database, or null when the store is elsewhere (PostgreSQL). */
    private final Path h2Dir;

    private UserStore(HikariDataSource pool, BackupCodes codes, Path h2Dir) {
        this.pool = pool;
        this.h2Dir = h2Dir;
        this.codes = codes;
        this.profiles = new UserProfiles(pool, hasher, codes);
        this.dummyHash = hasher.hash("no such user".toCharArray());
    }

    /** Opens the store described by {@code settings} (an H2 file in {@code dataDir} when it names no URL) and migrates it. */
    public static UserStore open(DatabaseSettings settings, Path dataDir) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(dataDir, "dataDir");
        Path h2Dir = settings.embedded() ? dataDir.toAbsolutePath() : null;
        if (h2Dir != null) {
            prepareOwnerOnly(h2Dir);
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("user-store");
        // PostgreSQL mode keeps H2 close to production; lower-case names make unquoted SQL portable;
        // no trace file: H2 would make it with the process umask, and errors reach us as SQLExceptions;
        // each connection keeps the parsed form of its last 64 statements (H2 keeps 8 by default, fewer
        // than a hosted login runs, so it parsed most of them again: 4 % of the login profile's samples)
        hc.setJdbcUrl(settings.embedded()
                ? "jdbc:h2:file:" + h2Dir.resolve(H2_FILE)
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;TRACE_LEVEL_FILE=0;QUERY_CACHE_SIZE=64"
                : settings.jdbcUrl());
        hc.setUsername(settings.embedded() ? "sa" : settings.username());
        hc.setPassword(settings.embedded() ? "" : settings.password());
        hc.setMaximumPoolSize(settings.maxPoolSize());
        // a pool that is not full is fine: logins are bursty, idle connections cost the database memory
        hc.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
            BackupCodes codes = new BackupCodes(StoreKey.loadOrCreate(dataDir));
            checkKey(pool, codes, dataDir);
            if (h2Dir != null) {
                // whatever else H2 made while opening and migrating
                ownerOnlyTree(h2Dir);
            }
            return new UserStore(pool, codes, h2Dir);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The user named {@code username} (any case), if there is one. */
    public Optional<User> find(String username) {
        if (!isUsername(username)) {
            return Optional.empty();
        }
        return query("SELECT u.username, u.mobile, u.disable_sms_otp,"
                + " (SELECT COUNT(*) FROM backup_codes b WHERE b.username_key = u.username_key),"
                + " u.mobile_captured_by FROM users u WHERE u.username_key = ?", key(username), rs -> rs.next()
                ? Optional.of(new User(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getInt(4),
                        rs.getString(5)))
                : Optional.<User>empty());
    }

    /**
     * The user, when {@code password} is theirs. An unknown user costs one Argon2id run too, so
     * the two failures take a similar time.
     */
    public Optional<User> checkPassword(String username, String password) {
        Objects.requireNonNull(password, "password");
        String stored = isUsername(username)
                ? query("SELECT password_hash FROM users WHERE username_key = ?", key(username),
                        rs -> rs.next() ? rs.getString(1) : null)
                : null;
        char[] pw = password.toCharArray();
        boolean match = hasher.verify(pw, stored == null ? dummyHash : stored);
        java.util.Arrays.fill(pw, '\0');
        return match && stored != null ? find(username) : Optional.empty();
    }

    /** Sets a new password, hashed with Argon2id. */
    public void setPassword(String username, String password) {
        if (Objects.requireNonNull(password, "password").isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
        updateUser(username, "password_hash = ?", hasher.hash(password.toCharArray()));
    }

    /** Sets the mobile claim to {@code e164} as the operator's (confirmed) number, or removes it when null. */
    public void setMobile(String username, String e164) {
        updateUser(username, "mobile = ?, mobile_captured_by = NULL, mobile_captured_at = NULL",
                e164 == null ? null : MobileNumbers.requireE164(e164));
    }

    /**
     * Saves {@code e164}, which the user typed in and proved with an SMS code during a login to
     * application {@code appId}, as a captured number, and audits it. Only applications that
     * capture numbers use a captured number until the operator confirms it.
     */
    public void captureMobile(String username, String e164, String appId, Instant now) {
        String number = MobileNumbers.requireE164(e164);
        String key = requireUser(username);
        inTransaction(c -> {
            Jdbc.execute(c, "UPDATE users SET mobile = ?, mobile_captured_by = ?, mobile_captured_at = ?"
                    + " WHERE username_key = ?", number, appId, now.toEpochMilli(), key);
            audit(c, now, "user:" + username, "mobile.captured", username,
                    "app=" + appId + " number=" + io.smsotp.auth.challenge.PhoneNumbers.mask(number));
        });
        LOG.info("audit: {} captured mobile {} through app {}", username, io.smsotp.auth.challenge.PhoneNumbers.mask(number), appId);
    }

    /** The operator confirms the user's captured number: from now on every application may use it. */
    public void confirmMobile(String username, String actor, Instant now) {
        String key = requireUser(username);
        inTransaction(c -> {
            Jdbc.execute(c, "UPDATE users SET mobile_captured_by = NULL, mobile_captured_at = NULL"
                    + " WHERE username_key = ?", key);
            audit(c, now, actor, "mobile.confirmed", username, "");
        });
    }

    /** How many users have {@code e164} as their number. */
    public int countWithMobile(String e164) {
        return query("SELECT COUNT(*) FROM users WHERE mobile = ?", e164, rs -> rs.next() ? rs.getInt(1) : 0);
    }

    /** The audit trail, newest first, at most {@code limit} entries. */
    public List<AuditEntry> audit(int limit) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT at_millis, actor, action, subject, detail"
                     + " FROM audit_log ORDER BY id DESC")) {
            ps.setMaxRows(limit);
            List<AuditEntry> entries = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new UserStoreException("user store: cannot read the audit log", e);
        }
    }

    private static void audit(Connection c, Instant at, String actor, String action, String subject, String detail)
            throws SQLException {
        Jdbc.execute(c, "INSERT INTO audit_log (at_millis, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                at.toEpochMilli(), actor, action, subject, detail);
    }

    /** Sets the disable_sms_otp claim. */
    public void setDisableSmsOtp(String username, boolean disable) {
        updateUser(username, "disable_sms_otp = ?", disable);
    }

    /**
     * Replaces the user's backup codes with those in {@code commaSeparated} ({@code "10300, 21390"});
     * returns how many there are now. Bad input is refused without echoing any code.
     */
    public int setBackupCodes(String username, String commaSeparated) {
        List<String> plain = BackupCodes.parse(commaSeparated);
        String key = requireUser(username);
        inTransaction(c -> replaceCodes(c, key, plain, null, false));
        return plain.size();
    }

    /** Whether {@code code} is one of the user's unused backup codes; if so it is used up, here, for good. */
    public boolean useBackupCode(String username, String code) {
        if (!isUsername(username) || code == null) {
            return false;
        }
        String c = code.strip();
        if (c.isEmpty() || c.length() > BackupCodes.MAX_DIGITS || !c.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return false;
        }
        String key = key(username);
        // the row count of this one DELETE decides: of two concurrent uses, the database lets one delete the row
        return update("DELETE FROM backup_codes WHERE username_key = ? AND code_mac = ?", key, codes.mac(key, c)) == 1;
    }

    /**
     * Creates or updates a user from the config file: the password always, each claim only where
     * the config gives it, backup codes only when the config's list changed since it was last imported.
     */
    public User upsert(UserConfig config) {
        Objects.requireNonNull(config, "config");
        String hash = config.password() != null ? hasher.hash(config.password().toCharArray()) : config.passwordHash();
        if (config.passwordHash() != null) {
            PasswordHasher.requireValid(hash);
        }
        UserConfig.Claims claims = config.claims();
        String mobile = claims.mobile() == null ? null : MobileNumbers.requireE164(claims.mobile());
        List<String> plain = claims.otpBackupCodes() == null ? null : BackupCodes.parse(claims.otpBackupCodes());
        String key = key(config.username());
        inTransaction(c -> {
            if (!exists(c, key)) {
                insert(c, key, config.username(), hash);
            }
            Jdbc.execute(c, "UPDATE users SET username = ?, password_hash = ? WHERE username_key = ?", config.username(), hash, key);
            if (mobile != null) {
                // the operator's number: confirmed, whatever was captured before
                Jdbc.execute(c, "UPDATE users SET mobile = ?, mobile_captured_by = NULL, mobile_captured_at = NULL"
                        + " WHERE username_key = ?", mobile, key);
            }
            if (claims.disableSmsOtp() != null) {
                Jdbc.execute(c, "UPDATE users SET disable_sms_otp = ? WHERE username_key = ?", claims.disableSmsOtp(), key);
            }
            if (plain != null) {
                replaceCodes(c, key, plain, codes.macOfList(key, plain), true);
            }
            if (claims.roles() != null) {
                UserProfiles.replaceRoles(c, key, claims.roles());
            }
        });
        return find(config.username()).orElseThrow();
    }

    /** Imports the config file's users at start; running it again with the same list changes nothing a user would notice. */
    public void importUsers(List<UserConfig> users) {
        for (UserConfig u : users) {
            upsert(u);
        }
        LOG.info("user store: {} user(s) from the config file imported", users.size());
    }

    /** The operator's side of the store: profiles with roles and lock state, and changes checked against a version. */
    public UserProfiles profiles() {
        return profiles;
    }

    /** The store's pooled, migrated database, for features that keep their own tables in it (OIDC codes and tokens). */
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
        if (h2Dir != null) {
            try {
                // files H2 wrote last, e.g. while compacting at close
                SecretFiles.ownerOnlyTree(h2Dir);
            } catch (IOException e) {
                LOG.warn("cannot make {} owner-only: {}", h2Dir, e.toString());
            }
        }
    }

    /**
     * The data dir 0700, so that no file H2 makes there (with the process umask) is in reach of
     * other users even for a moment, and the database file made 0600 before H2 opens it.
     */
    private static void prepareOwnerOnly(Path dir) {
        Path file = dir.resolve(H2_FILE + H2_SUFFIX);
        try {
            SecretFiles.ownerOnlyDirectory(dir);
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            SecretFiles.ownerOnly(file);
        } catch (FileAlreadyExistsException e) {
            // another instance made it meanwhile: its mode is set below by the sweep
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the data dir's own permissions must do
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + file + " owner-only", e);
        }
    }

    private static void ownerOnlyTree(Path dir) {
        try {
            SecretFiles.ownerOnlyTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir + " owner-only", e);
        }
    }

    @Override
    public String toString() {
        return "UserStore[" + pool.getPoolName() + "]";
    }

    // --- SQL helpers ---------------------------------------------------------------------------

    private void replaceCodes(Connection c, String key, List<String> plain, String listMac, boolean onlyIfChanged)
            throws SQLException {
        if (onlyIfChanged) {
            String previous = queryOn(c, "SELECT imported_codes FROM users WHERE username_key = ?", key,
                    rs -> rs.next() ? rs.getString(1) : null);
            if (listMac.equals(previous)) {
                return;
            }
            Jdbc.execute(c, "UPDATE users SET imported_codes = ? WHERE username_key = ?", listMac, key);
        }
        Jdbc.execute(c, "DELETE FROM backup_codes WHERE username_key = ?", key);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO backup_codes (username_key, code_mac) VALUES (?, ?)")) {
            for (String mac : BackupCodes.macs(codes, key, plain)) {
                ps.setString(1, key);
                ps.setString(2, mac);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insert(Connection c, String key, String username, String hash) throws SQLException {
        // a savepoint, because PostgreSQL refuses every later statement of a transaction after a failed one
        Savepoint before = c.setSavepoint();
        try {
            Jdbc.execute(c, "INSERT INTO users (username_key, username, password_hash) VALUES (?, ?, ?)", key, username, hash);
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            // another instance imported the same user at the same moment: the UPDATE that follows applies ours
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
        }
    }

    private String requireUser(String username) {
        if (!isUsername(username) || !Boolean.TRUE.equals(query("SELECT 1 FROM users WHERE username_key = ?", key(username), ResultSet::next))) {
            throw new NoSuchElementException("no user named '" + username + "'");
        }
        return key(username);
    }

    private void updateUser(String username, String assignment, Object value) {
        if (!isUsername(username) || update("UPDATE users SET " + assignment + " WHERE username_key = ?", value, key(username)) == 0) {
            throw new NoSuchElementException("no user named '" + username + "'");
        }
    }

    private static boolean exists(Connection c, String key) throws SQLException {
        return queryOn(c, "SELECT 1 FROM users WHERE username_key = ?", key, ResultSet::next);
    }

    private static boolean isUsername(String username) {
        return UserConfig.isUsername(username);
    }

    static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    private static void checkKey(HikariDataSource pool, BackupCodes codes, Path dataDir) {
        String expected = codes.keyCheck();
        try (Connection c = pool.getConnection()) {
            String stored = queryOn(c, "SELECT meta_value FROM store_meta WHERE meta_key = ?", KEY_CHECK, rs -> rs.next() ? rs.getString(1) : null);
            if (stored == null) {
                try {
                    Jdbc.execute(c, "INSERT INTO store_meta (meta_key, meta_value) VALUES (?, ?)", KEY_CHECK, expected);
                    return;
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    stored = queryOn(c, "SELECT meta_value FROM store_meta WHERE meta_key = ?", KEY_CHECK, rs -> rs.next() ? rs.getString(1) : null);
                }
            }
            if (!expected.equals(stored)) {
                throw new IllegalStateException(dataDir.resolve(StoreKey.FILE_NAME) + " is not the key this database's backup"
                        + " codes were stored with: copy " + StoreKey.FILE_NAME + " from an instance that uses this database");
            }
        } catch (SQLException e) {
            throw new UserStoreException("user store: cannot check the backup code key", e);
        }
    }

    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private <T> T query(String sql, String param, Rows<T> rows) {
        try (Connection c = pool.getConnection()) {
            return queryOn(c, sql, param, rows);
        } catch (SQLException e) {
            throw new UserStoreException("user store: query failed", e);
        }
    }

    private static <T> T queryOn(Connection c, String sql, String param, Rows<T> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rows.read(rs);
            }
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = pool.getConnection()) {
            return Jdbc.execute(c, sql, params);
        } catch (SQLException e) {
            throw new UserStoreException("user store: update failed", e);
        }
    }


    private void inTransaction(Work work) {
        try {
            Jdbc.inTransaction(pool, "user store transaction", c -> {
                work.run(c);
                return null;
            });
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException) {
                throw new UserStoreException("user store: transaction failed", e.getCause());
            }
            throw e;
        }
    }
}
