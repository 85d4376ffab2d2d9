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

    /** "5 minutes", "1 minute", "90 seconds": whole minutes where the lifetime has them. */
    static String lifetime(Duration ttl) {
        long seconds = ttl.toSeconds();
        if (seconds >= 60 && seconds % 60 == 0) {
            long minutes = seconds / 60;
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }
}
