package io.smsotp.auth.oidc;

import io.smsotp.auth.Jdbc;
import io.smsotp.auth.users.UserStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Authorization codes and access tokens in the database (tables of {@code V2__oidc.sql}, with the
 * granted scope of {@code V4__oidc_scope.sql}), keyed
 * by their SHA-256 so that a copy of the database redeems nothing.
 */
final class GrantStore {

    /** What a code was issued for, as stored; {@code scope} is the granted scope, space-separated. */
    record CodeGrant(String clientId, String redirectUri, String codeChallenge, String nonce, String subject,
                     String username, String mobile, List<String> amr, Instant authTime, Instant expiresAt,
                     String scope) {
    }

    /** Whom an access token speaks for and what it may see, as stored. */
    record TokenGrant(String clientId, String subject, String username, String mobile, Instant expiresAt,
                      String scope, boolean phoneVerified) {
    }

    private final DataSource db;

    GrantStore(DataSource db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    void saveCode(String code, CodeGrant g, Instant now) {
        run(c -> {
            // expired rows go on the way in: no sweeper thread, and the table stays the size of a minute's logins
            Jdbc.execute(c, "DELETE FROM oidc_codes WHERE expires_at < ?", now.toEpochMilli());
            Jdbc.execute(c, "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, subject,"
                            + " username, mobile, amr, auth_time, expires_at, scope)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    sha256(code), g.clientId(), g.redirectUri(), g.codeChallenge(), g.nonce(), g.subject(),
                    g.username(), g.mobile(), String.join(" ", g.amr()), g.authTime().toEpochMilli(),
                    g.expiresAt().toEpochMilli(), g.scope());
            return null;
        });
    }

    /** The code's grant, removed for good; empty when unknown or already redeemed (by this or any instance). */
    Optional<CodeGrant> redeemCode(String code) {
        String hash = sha256(code);
        return run(c -> {
            CodeGrant grant;
            try (PreparedStatement ps = c.prepareStatement("SELECT client_id, redirect_uri, code_challenge, nonce, subject,"
                    + " username, mobile, amr, auth_time, expires_at, scope FROM oidc_codes WHERE code_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    grant = new CodeGrant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), Arrays.asList(rs.getString(8).split(" ")),
                            Instant.ofEpochMilli(rs.getLong(9)), Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11));
                }
            }
            // of two concurrent redemptions, the database lets exactly one delete the row
            boolean mine = Jdbc.execute(c, "DELETE FROM oidc_codes WHERE code_hash = ?", hash) == 1;
            return mine ? Optional.of(grant) : Optional.empty();
        });
    }

    void saveToken(String token, TokenGrant g, Instant now) {
        run(c -> {
            Jdbc.execute(c, "DELETE FROM oidc_access_tokens WHERE expires_at < ?", now.toEpochMilli());
            Jdbc.execute(c, "INSERT INTO oidc_access_tokens (token_hash, client_id, subject, username, mobile, expires_at,"
                            + " scope, phone_verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", sha256(token), g.clientId(),
                    g.subject(), g.username(), g.mobile(), g.expiresAt().toEpochMilli(), g.scope(), g.phoneVerified());
            return null;
        });
    }

    Optional<TokenGrant> findToken(String token) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT client_id, subject, username, mobile, expires_at,"
                    + " scope, phone_verified FROM oidc_access_tokens WHERE token_hash = ?")) {
                ps.setString(1, sha256(token));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new TokenGrant(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getBoolean(7)))
                            : Optional.empty();
                }
            }
        });
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(Work<T> work) {
        try (Connection c = db.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new UserStoreException("oidc grants: database call failed", e);
        }
    }
}
