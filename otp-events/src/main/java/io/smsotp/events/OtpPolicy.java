package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * How one application's codes are made and checked. Travels with each create command, so the
 * single writer applies the policy that was in force when the challenge was made.
 */
public record OtpPolicy(int length, Duration ttl, int maxAttempts) {

    public static final OtpPolicy DEFAULT = new OtpPolicy(6, Duration.ofMinutes(5), 5);

    /** Binds a policy where any setting left out takes its default (the config file's {@code otp:} block). */
    @JsonCreator
    public static OtpPolicy of(@JsonProperty("length") Integer length, @JsonProperty("ttl") Duration ttl,
                               @JsonProperty("maxAttempts") Integer maxAttempts) {
        return new OtpPolicy(length == null ? DEFAULT.length : length, ttl == null ? DEFAULT.ttl : ttl,
                maxAttempts == null ? DEFAULT.maxAttempts : maxAttempts);
    }

    public OtpPolicy {
        Objects.requireNonNull(ttl, "ttl");
        if (length < 4 || length > 10) {
            throw new IllegalArgumentException("length must be 4..10, was " + length);
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("ttl must be more than 0 and at most PT10M, was " + ttl);
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be 1..100, was " + maxAttempts);
        }
    }
}
