package io.smsotp.stream.challenge;

import io.smsotp.events.OtpPolicy;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of the SMS that carries a code: the application's template ({@link OtpPolicy#message()})
 * or, without one, the built-in text that says what the code is for, how long it lasts, and warns.
 */
final class SmsText {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(code|app|minutes)}");

    private SmsText() {
    }

    /** The built-in text. */
    static String of(String code, String appName, Duration ttl) {
        return code + " is your " + appName + " verification code. It expires in " + lifetime(ttl)
                + ". Don't share it.";
    }

    /**
     * The text for {@code template}, or the built-in text when it is null. {@code {minutes}} is the
     * whole minutes left, rounded down but at least 1. One pass over the template: a value put in
     * is never read as a placeholder (an app named "{code}" does not print the code twice).
     */
    static String of(String template, String code, String appName, Duration left) {
        if (template == null) {
            return of(code, appName, left);
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder text = new StringBuilder(template.length() + 16);
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "code" -> code;
                case "app" -> appName;
                default -> Long.toString(wholeMinutes(left));
            };
            m.appendReplacement(text, Matcher.quoteReplacement(value));
        }
        m.appendTail(text);
        return text.toString();
    }

    static long wholeMinutes(Duration left) {
        return Math.max(1, left.toMinutes());
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
