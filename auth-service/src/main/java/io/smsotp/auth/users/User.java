package io.smsotp.auth.users;

import java.util.Optional;

/**
 * A user as the login sees it: no password hash and no backup codes, only how many are left.
 *
 * @param username as the operator spelled it
 * @param mobile E.164, or null when the profile has no number
 * @param disableSmsOtp the user turned SMS OTP off
 * @param backupCodesLeft unused backup codes
 */
public record User(String username, String mobile, boolean disableSmsOtp, int backupCodesLeft) {

    /** The mobile number, when the profile has one. */
    public Optional<String> mobileNumber() {
        return Optional.ofNullable(mobile);
    }

    @Override
    public String toString() {
        // personal data: the last 4 digits are enough to tell numbers apart in a log
        String masked = mobile == null ? "none" : "***" + mobile.substring(Math.max(0, mobile.length() - 4));
        return "User[username=" + username + ", mobile=" + masked + ", disableSmsOtp=" + disableSmsOtp
                + ", backupCodesLeft=" + backupCodesLeft + "]";
    }
}
