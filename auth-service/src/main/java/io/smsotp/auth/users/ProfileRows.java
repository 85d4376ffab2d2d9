package io.smsotp.auth.users;

import io.smsotp.auth.lockout.Lockouts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The SQL that reads {@link UserProfile}s: one by key, or a page of a search. */
final class ProfileRows {

    /**
     * The profile columns, the number of codes left and the hosted login's lock (the lockout row of
     * the account {@link Lockouts#loginAccount} names, which is the prefix and the username key).
     */
    private static final String SELECT = "SELECT u.username_key, u.username, u.mobile, u.disable_sms_otp,"
            + " (SELECT COUNT(*) FROM backup_codes b WHERE b.username_key = u.username_key), l.locked_until"
            + " FROM users u LEFT JOIN lockouts l ON l.account = '" + Lockouts.LOGIN_PREFIX + "' || u.username_key";
    /** Username (its lower-case key) or number contains the text; '!' escapes LIKE's wildcards in it. */
    private static final String MATCHES = " WHERE u.username_key LIKE ? ESCAPE '!' OR u.mobile LIKE ? ESCAPE '!'";

    private ProfileRows() {
    }

    /** Takes the row lock of user {@code key} until the transaction ends; false when there is no such user. */
    static boolean lock(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT username_key FROM users WHERE username_key = ? FOR UPDATE")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The profile of user {@code key}, or null. */
    static UserProfile read(Connection c, String key, Instant now) throws SQLException {
        List<UserProfile> found = select(c, SELECT + " WHERE u.username_key = ?", List.of(key), now);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<UserProfile> search(Connection c, String query, int offset, int limit, Instant now)
            throws SQLException {
        String sql = SELECT + (query.isEmpty() ? "" : MATCHES) + " ORDER BY u.username_key LIMIT ? OFFSET ?";
        List<Object> params = new ArrayList<>(patterns(query));
        params.add(limit);
        params.add(offset);
        return select(c, sql, params, now);
    }

    static int count(Connection c, String query) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users u" + (query.isEmpty() ? "" : MATCHES))) {
            bind(ps, patterns(query));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static List<Object> patterns(String query) {
        if (query.isEmpty()) {
            return List.of();
        }
        String escaped = query.replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return List.of("%" + escaped.toLowerCase(Locale.ROOT) + "%", "%" + escaped + "%");
    }

    private static List<UserProfile> select(Connection c, String sql, List<Object> params, Instant now)
            throws SQLException {
        record Row(String key, String username, String mobile, boolean disable, int codes, long lockedUntil) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getInt(5), rs.getLong(6)));
                }
            }
        }
        Map<String, List<String>> roles = roles(c, rows.stream().map(Row::key).toList());
        return rows.stream().map(r -> new UserProfile(r.username(), r.mobile(), r.disable(),
                roles.getOrDefault(r.key(), List.of()), r.codes(),
                r.lockedUntil() > now.toEpochMilli() ? Instant.ofEpochMilli(r.lockedUntil()) : null)).toList();
    }

    /** The roles of the users {@code keys} (at most a page of them), by key. */
    private static Map<String, List<String>> roles(Connection c, List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return Map.of();
        }
        String marks = String.join(", ", Collections.nCopies(keys.size(), "?"));
        Map<String, List<String>> roles = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT username_key, role FROM user_roles WHERE username_key IN (" + marks + ")")) {
            bind(ps, keys);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return roles;
    }

    private static void bind(PreparedStatement ps, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }
}
