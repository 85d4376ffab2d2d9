package io.smsotp.auth.login;

import io.smsotp.auth.users.User;
import io.smsotp.config.AppConfig;

/** What follows a right password, by the application's settings and the user's profile. */
enum SecondStep {
    /** Logged in with the password alone. */
    NONE,
    /** A code by SMS to the profile's number. */
    SMS,
    /** Ask for a number, send the code to it, save it once the code verifies. */
    CAPTURE_MOBILE,
    /** The user turned SMS OTP off but the application requires it: an error page. */
    REFUSE_OPTED_OUT,
    /** No number on the profile and the application does not capture one: an error page. */
    REFUSE_NO_MOBILE;

    static SecondStep of(AppConfig app, User user) {
        if (!app.smsOtpStep()) {
            return NONE;
        }
        if (user.disableSmsOtp()) {
            // the opt-out counts only where the application allows it; mandatory wins over allowed
            if (app.smsOtpMandatory()) {
                return REFUSE_OPTED_OUT;
            }
            if (app.allowUserDisable()) {
                return NONE;
            }
        }
        // a number captured through another application counts only where numbers are captured
        if (user.mobileNumberFor(app.captureMobile()).isEmpty()) {
            return app.captureMobile() ? CAPTURE_MOBILE : REFUSE_NO_MOBILE;
        }
        return SMS;
    }
}
