package io.smsotp.auth.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A user as the operator sees it (admin API, console): the profile, the roles, how many backup
 * codes are left and whether the hosted login is locked. No password hash and no code.
 *
 * @param username as spelled when the user was made
 * @param mobile E.164, or null
 * @param disableSmsOtp the user turned SMS OTP off
 * @param roles sorted, no repeats
 * @param backupCodesLeft unused backup codes
 * @param lockedUntil the end of the login's lock, or null when it is not locked (at the time read)
 */
public record UserProfile(String username, String mobile, boolean disableSmsOtp, List<String> roles,
                          int backupCodesLeft, Instant lockedUntil) {

    public UserProfile {
        Objects.requireNonNull(username, "username");
        roles = List.copyOf(new TreeSet<>(roles));
    }

    /** Whether the hosted login refuses this user now. */
    public boolean locked() {
        return lockedUntil != null;
    }

    /**
     * The profile's version for {@code ETag} / {@code If-Match}: SHA-256 of every field, so any
     * change a reader could see (a code used at a login, a lock) gives another version.
     */
    public String version() {
        String canonical = String.join("\u0000", "v1", username, String.valueOf(mobile),
                String.valueOf(disableSmsOtp), String.join(",", roles), String.valueOf(backupCodesLeft),
                lockedUntil == null ? "-" : String.valueOf(lockedUntil.toEpochMilli()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        // personal data: the last 4 digits are enough to tell numbers apart in a log
        String masked = mobile == null ? "none" : "***" + mobile.substring(Math.max(0, mobile.length() - 4));
        return "UserProfile[username=" + username + ", mobile=" + masked + ", disableSmsOtp=" + disableSmsOtp
                + ", roles=" + roles + ", backupCodesLeft=" + backupCodesLeft + ", lockedUntil=" + lockedUntil + "]";
    }
}
