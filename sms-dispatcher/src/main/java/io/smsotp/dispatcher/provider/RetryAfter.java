package io.smsotp.dispatcher.provider;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A {@code Retry-After} header (RFC 9110 10.2.3): delay-seconds or an HTTP-date. */
final class RetryAfter {

    /** Longer waits are not honoured as such: the message's own deadline comes first anyway. */
    static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {
    }

    /** The wait {@code value} asks for at {@code now}, at most {@link #MAX}; null when absent or unreadable. */
    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        Duration wait;
        if (v.chars().allMatch(Character::isDigit)) {
            if (v.length() > 9) {
                return MAX;
            }
            wait = Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                wait = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
