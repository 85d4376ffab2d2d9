package io.smsotp.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A user listed in the config file, imported into the user store at start.
 *
 * @param password the password in plain text, hashed on import; or null when passwordHash is given
 * @param passwordHash an Argon2id PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash})
 * @param claims the user's profile; absent means no mobile, SMS OTP on, no backup codes
 */
public record UserConfig(String username, String password, String passwordHash, Claims claims) {

    private static final Pattern USERNAME = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=\\d{1,8},t=\\d{1,4},p=\\d{1,3}\\$[A-Za-z0-9+/]{11,88}\\$[A-Za-z0-9+/]{22,128}");

    /** What {@link #requireUsername} says of a bad username, after "username ". */
    public static final String USERNAME_RULE = "must be 1..128 characters without spaces or control characters";

    public UserConfig {
        Settings.nonBlank("username", username);
        requireUsername(username);
        if ((password == null) == (passwordHash == null)) {
            throw new IllegalArgumentException("user '" + username + "': give exactly one of password or passwordHash");
        }
        if (password != null && password.isEmpty()) {
            throw new IllegalArgumentException("user '" + username + "': password must not be empty");
        }
        if (passwordHash != null && !PHC.matcher(passwordHash).matches()) {
            throw new IllegalArgumentException("user '" + username + "': passwordHash must be an Argon2id PHC string"
                    + " $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash> (value not shown)");
        }
        claims = Settings.orDefault(claims, Claims.NONE);
    }

    /**
     * Whether {@code username} may name a user: 1..128 characters, no spaces, no control characters.
     * The one rule for the config file, the user store and the admin API.
     */
    public static boolean isUsername(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    /** {@code username}, or an IllegalArgumentException naming the rule. */
    public static String requireUsername(String username) {
        if (!isUsername(username)) {
            throw new IllegalArgumentException("username " + USERNAME_RULE + ", was '" + username + "'");
        }
        return username;
    }

    @Override
    public String toString() {
        return "UserConfig[username=" + username + ", password=" + (password == null ? "none" : "***")
                + ", passwordHash=" + (passwordHash == null ? "none" : "***") + ", claims=" + claims + "]";
    }

    /**
     * The claims a user carries, under the names the issue and the OIDC face use.
     *
     * @param mobile E.164 ({@code +15551234567}); null leaves what the store holds, e.g. a number the user gave at login
     * @param disableSmsOtp the user turned SMS OTP off; null leaves what the store holds (false for a new user)
     * @param otpBackupCodes comma-separated digit codes ({@code 10300,21390}); quote them in YAML so a
     *     leading zero survives. The store replaces a user's codes only when this list changes, so
     *     a restart does not bring back used codes; null leaves the codes as they are
     * @param roles short names ({@code admin} opens the management console), each
     *     {@code [a-z][a-z0-9_-]{0,31}}, at most {@value #MAX_ROLES}; replaces the user's roles;
     *     null leaves what the store holds (none for a new user)
     */
    public record Claims(@JsonProperty("mobile") String mobile,
                         @JsonProperty("disable_sms_otp") Boolean disableSmsOtp,
                         @JsonProperty("otp_backup_codes") String otpBackupCodes,
                         @JsonProperty("roles") List<String> roles) {

        public static final Claims NONE = new Claims(null, null, null, null);

        /** More roles than any deployment names; bounds a profile. */
        public static final int MAX_ROLES = 32;
        /** The shape of a role name, as the config file, the store and the admin API take it. */
        public static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

        /** The shape of E.164; auth-service checks the number itself with libphonenumber. */
        private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
        private static final Pattern CODES = Pattern.compile("\\s*[0-9]{1,64}\\s*(,\\s*[0-9]{1,64}\\s*){0,999}");

        public Claims {
            if (mobile != null && !E164.matcher(mobile).matches()) {
                throw new IllegalArgumentException("mobile must be E.164: + then the country code and number,"
                        + " digits only, 8..16 characters");
            }
            if (otpBackupCodes != null && !CODES.matcher(otpBackupCodes).matches()) {
                // the codes are secrets: say what is wrong, never what they are
                throw new IllegalArgumentException("otp_backup_codes must be codes of digits separated by commas"
                        + " (value not shown)");
            }
            roles = roles == null ? null : requireRoles(roles);
        }

        /** Claims without roles (the store keeps the roles it holds). */
        public Claims(String mobile, Boolean disableSmsOtp, String otpBackupCodes) {
            this(mobile, disableSmsOtp, otpBackupCodes, null);
        }

        /**
         * {@code roles} as an unmodifiable list, or an IllegalArgumentException whose message starts
         * with the bad element's path ({@code roles[2] must match ...}).
         */
        public static List<String> requireRoles(List<String> roles) {
            if (roles.size() > MAX_ROLES) {
                throw new IllegalArgumentException("roles must hold at most " + MAX_ROLES + " names, were " + roles.size());
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < roles.size(); i++) {
                String role = roles.get(i);
                if (role == null || !ROLE.matcher(role).matches()) {
                    throw new IllegalArgumentException("roles[" + i + "] must match " + ROLE.pattern()
                            + " (a lower-case letter, then up to 31 of a-z 0-9 _ -), was "
                            + (role == null ? "null" : "'" + role + "'"));
                }
                if (!seen.add(role)) {
                    throw new IllegalArgumentException("roles[" + i + "] repeats '" + role + "'");
                }
            }
            return List.copyOf(roles);
        }

        @Override
        public String toString() {
            // the number is personal data; the last 4 digits are enough to tell users apart in a log
            String masked = mobile == null ? null : "***" + mobile.substring(mobile.length() - 4);
            return "Claims[mobile=" + masked + ", disable_sms_otp=" + disableSmsOtp + ", otp_backup_codes="
                    + (otpBackupCodes == null ? "none" : "***") + ", roles=" + roles + "]";
        }
    }
}
