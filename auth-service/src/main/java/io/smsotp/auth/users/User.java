package io.smsotp.auth.users;

import java.util.Optional;

/**
 * A user as the login sees it: no password hash and no backup codes, only how many are left.
 *
 * @param username as the operator spelled it
 * @param mobile E.164, or null when the profile has no number
 * @param disableSmsOtp the user turned SMS OTP off
 * @param backupCodesLeft unused backup codes
 * @param mobileCapturedBy the application through whose login the user typed the number in
 *     (mobile capture), or null when the operator set or confirmed it
 */
public record User(String username, String mobile, boolean disableSmsOtp, int backupCodesLeft,
                   String mobileCapturedBy) {

    /** A user whose number, if any, the operator set. */
    public User(String username, String mobile, boolean disableSmsOtp, int backupCodesLeft) {
        this(username, mobile, disableSmsOtp, backupCodesLeft, null);
    }

    /** The mobile number, when the profile has one. */
    public Optional<String> mobileNumber() {
        return Optional.ofNullable(mobile);
    }

    /**
     * The number an application may send codes to: a number the user typed in through mobile
     * capture was proved only by the password and an SMS to itself, so only applications that
     * capture numbers take it; others treat the user as having none until the operator confirms it.
     */
    public Optional<String> mobileNumberFor(boolean appCapturesMobile) {
        return mobileCapturedBy != null && !appCapturesMobile ? Optional.empty() : mobileNumber();
    }

    @Override
    public String toString() {
        // personal data: the last 4 digits are enough to tell numbers apart in a log
        String masked = mobile == null ? "none" : "***" + mobile.substring(Math.max(0, mobile.length() - 4));
        return "User[username=" + username + ", mobile=" + masked + ", disableSmsOtp=" + disableSmsOtp
                + ", backupCodesLeft=" + backupCodesLeft
                + (mobileCapturedBy == null ? "" : ", mobileCapturedBy=" + mobileCapturedBy) + "]";
    }
}
