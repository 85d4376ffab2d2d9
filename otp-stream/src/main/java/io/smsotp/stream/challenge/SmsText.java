package io.smsotp.stream.challenge;

import java.time.Duration;

/** The text of the SMS that carries a code: what it is for, how long it lasts, and a warning. */
final class SmsText {

    private SmsText() {
    }

    static String of(String code, String appName, Duration ttl) {
        return code + " is your " + appName + " verification code. It expires in " + lifetime(ttl)
                + ". Don't share it.";
    }

    /**
     * "5 minutes", "90 seconds", "4 minutes" for 4:59: whole minutes where the lifetime has them,
     * seconds under two minutes, and otherwise the minutes rounded down. A resend's lifetime is
     * whatever is left, to the millisecond; rounding down never promises more time than there is,
     * and "269 seconds" is harder to read than "4 minutes". Never "0": a pending code has time left.
     */
    static String lifetime(Duration ttl) {
        long seconds = Math.max(1, ttl.toSeconds());
        if (seconds % 60 == 0 || seconds >= 120) {
            long minutes = seconds / 60;
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }
}
