package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * How one application's codes are made and checked. Travels with each create command, so the
 * single writer applies the policy that was in force when the challenge was made.
 */
public record OtpPolicy(int length, Duration ttl, int maxAttempts, Duration resendCooldown, int maxResends) {

    public static final Duration DEFAULT_RESEND_COOLDOWN = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RESENDS = 3;

    public static final OtpPolicy DEFAULT = new OtpPolicy(6, Duration.ofMinutes(5), 5);

    /** A policy with the default resend settings ({@value #DEFAULT_MAX_RESENDS} resends, 30 s apart). */
    public OtpPolicy(int length, Duration ttl, int maxAttempts) {
        this(length, ttl, maxAttempts, defaultCooldown(ttl), DEFAULT_MAX_RESENDS);
    }

    /** Binds a policy where any setting left out takes its default (the config file's {@code otp:} block). */
    @JsonCreator
    public static OtpPolicy of(@JsonProperty("length") Integer length, @JsonProperty("ttl") Duration ttl,
                               @JsonProperty("maxAttempts") Integer maxAttempts,
                               @JsonProperty("resendCooldown") Duration resendCooldown,
                               @JsonProperty("maxResends") Integer maxResends) {
        return new OtpPolicy(length == null ? DEFAULT.length : length, ttl == null ? DEFAULT.ttl : ttl,
                maxAttempts == null ? DEFAULT.maxAttempts : maxAttempts,
                resendCooldown == null ? defaultCooldown(ttl == null ? DEFAULT.ttl : ttl) : resendCooldown,
                maxResends == null ? DEFAULT_MAX_RESENDS : maxResends);
    }

    /** The default cooldown, or the whole lifetime when that is shorter. */
    private static Duration defaultCooldown(Duration ttl) {
        return ttl == null || ttl.compareTo(DEFAULT_RESEND_COOLDOWN) >= 0 ? DEFAULT_RESEND_COOLDOWN : ttl;
    }

    public OtpPolicy {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(resendCooldown, "resendCooldown");
        if (resendCooldown.isNegative() || resendCooldown.compareTo(ttl) > 0) {
            throw new IllegalArgumentException("resendCooldown must be 0.." + ttl + " (the ttl), was " + resendCooldown);
        }
        if (maxResends < 0 || maxResends > 10) {
            throw new IllegalArgumentException("maxResends must be 0..10, was " + maxResends);
        }
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
