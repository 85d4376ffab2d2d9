package io.smsotp.auth.oidc;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who logged in, and how: what the login pages hand to {@link OidcProvider#issueCode}.
 *
 * @param mobile E.164, or null when the profile has none
 * @param amr the factors used, RFC 8176 values: {@code pwd}, plus {@code sms} for an SMS code or {@code otp} for a backup code
 * @param authTime when the user authenticated
 */
public record AuthenticatedUser(String username, String mobile, List<String> amr, Instant authTime) {

    public static final String AMR_PASSWORD = "pwd";
    public static final String AMR_SMS = "sms";
    public static final String AMR_BACKUP_CODE = "otp";

    public AuthenticatedUser {
        Objects.requireNonNull(username, "username");
        amr = List.copyOf(Objects.requireNonNull(amr, "amr"));
        if (amr.isEmpty() || amr.stream().anyMatch(a -> !a.matches("[a-z]{2,16}"))) {
            throw new IllegalArgumentException("amr must be one or more RFC 8176 values, was " + amr);
        }
        Objects.requireNonNull(authTime, "authTime");
    }

    @Override
    public String toString() {
        // the number is personal data: the last 4 digits tell users apart in a log
        return "AuthenticatedUser[username=" + username + ", mobile="
                + (mobile == null ? null : "***" + mobile.substring(Math.max(0, mobile.length() - 4)))
                + ", amr=" + amr + ", authTime=" + authTime + "]";
    }
}
