package io.smsotp.config;

import java.time.Duration;

/**
 * Send limits that hold across applications, counted by otp-stream where all sends to one key
 * meet (a limit's key decides the partition). The per-application limit is in each app's
 * {@code otp.maxSendsPerMinute}.
 *
 * @param perNumber SMS to one recipient number (default 5 per 10 minutes)
 * @param perIp SMS asked for by one client IP, where the hosted pages or the API caller pass it
 *     (default 20 per 10 minutes)
 */
public record RateLimitSettings(Limit perNumber, Limit perIp) {

    /** At most {@code max} sends in any {@code window}. */
    public record Limit(Integer max, Duration window) {
        public Limit {
            max = Settings.atLeast("max", max, 5, 1);
            window = Settings.positive("window", window, Duration.ofMinutes(10));
        }
    }

    public RateLimitSettings {
        perNumber = Settings.orDefault(perNumber, new Limit(5, Duration.ofMinutes(10)));
        perIp = Settings.orDefault(perIp, new Limit(20, Duration.ofMinutes(10)));
    }

    public static RateLimitSettings defaults() {
        return new RateLimitSettings(null, null);
    }
}
