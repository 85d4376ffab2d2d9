package io.smsotp.auth.users;

import io.smsotp.config.ConfigException;
import io.smsotp.config.UserConfig;
import java.util.List;

/**
 * A whole profile as the operator sets it (a replace: what is left out is cleared), checked on
 * construction with the config file's rules. A bad field is a {@link ConfigException} whose
 * message starts with the field's path in the admin API's JSON ({@code claims.mobile ...}), and
 * never holds the number.
 *
 * @param mobile E.164, possible for its country code (libphonenumber, as at login); null: none
 * @param disableSmsOtp the user has SMS OTP off
 * @param roles {@code [a-z][a-z0-9_-]{0,31}} each; null means none
 */
public record ProfileEdit(String mobile, boolean disableSmsOtp, List<String> roles) {

    public ProfileEdit {
        if (mobile != null) {
            try {
                MobileNumbers.requireE164(mobile);
            } catch (IllegalArgumentException e) {
                // MobileNumbers' message starts with "mobile" and does not echo the number
                throw new ConfigException("claims." + e.getMessage());
            }
        }
        try {
            roles = roles == null ? List.of() : UserConfig.Claims.requireRoles(roles);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("claims." + e.getMessage());
        }
    }
}
