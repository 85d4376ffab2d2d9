package io.smsotp.auth.users;

import io.smsotp.auth.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Completed hosted logins, per user (table {@code sign_ins} of {@code V7__sign_ins.sql}): what the
 * account page shows as recent sign-ins. The newest {@value #KEPT} of each user are kept.
 */
public final class SignIns {

    /** Sign-ins kept per user; older ones are deleted as new ones come in. */
    public static final int KEPT = 50;

    /** One completed login: when, to which application, from which address (null when unknown). */
    public record SignIn(Instant at, String appId, String clientIp) {
        public SignIn {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(appId, "appId");
        }
    }

    private final DataSource db;

    public SignIns(DataSource db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Records a completed login of {@code username} (an existing user) and drops what is past the newest {@value #KEPT}. */
    public void record(String username, SignIn signIn) {
        Objects.requireNonNull(signIn, "signIn");
        String key = UserStore.key(Objects.requireNonNull(username, "username"));
        Jdbc.inTransaction(db, "recording a sign-in", c -> {
            Jdbc.execute(c, "INSERT INTO sign_ins (username_key, at_millis, app_id, client_ip) VALUES (?, ?, ?, ?)",
                    key, signIn.at().toEpochMilli(), signIn.appId(), limit(signIn.clientIp()));
            Long oldestKept = oldestKept(c, key);
            if (oldestKept != null) {
                Jdbc.execute(c, "DELETE FROM sign_ins WHERE username_key = ? AND id < ?", key, oldestKept);
            }
            return null;
        });
    }

    /** The newest sign-ins of {@code username} first, at most {@code limit}. */
    public List<SignIn> recent(String username, int limit) {
        String key = UserStore.key(Objects.requireNonNull(username, "username"));
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT at_millis, app_id, client_ip FROM sign_ins"
                     + " WHERE username_key = ? ORDER BY id DESC")) {
            ps.setString(1, key);
            ps.setMaxRows(Math.max(1, limit));
            List<SignIn> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SignIn(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new UserStoreException("sign-ins: cannot read", e);
        }
    }

    /** The id of the {@value #KEPT}th newest row of the user, or null while there are fewer. */
    private static Long oldestKept(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM sign_ins WHERE username_key = ?"
                + " ORDER BY id DESC OFFSET " + (KEPT - 1) + " ROWS FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static String limit(String ip) {
        // an address is far shorter; a longer value is not one, and must not fail the login
        return ip == null || ip.length() <= 64 ? ip : ip.substring(0, 64);
    }
}
