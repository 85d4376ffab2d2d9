package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one application's codes are made, sent and checked. Travels with each create command, so
 * the single writer applies the policy that was in force when the challenge was made.
 *
 * @param length characters in a code, 4..10
 * @param ttl lifetime of a challenge, at most 10 minutes (NIST SP 800-63B 5.1.3.2)
 * @param maxAttempts wrong codes a challenge takes before it refuses every code, 1..100
 * @param resendCooldown how long after a send the next resend is allowed, at most the ttl
 * @param maxResends new codes a challenge may send after the first, 0..10
 * @param alphanumeric codes of upper-case letters and digits without look-alikes
 *     ({@value #ALPHANUMERIC_ALPHABET}) instead of digits only
 * @param message the SMS text; {@code {code}} is required, {@code {app}} and {@code {minutes}}
 *     may appear; null means the built-in text
 * @param maxSendsPerMinute SMS the application may have sent per minute, counted across all its
 *     challenges (creates and resends); null means no limit
 */
public record OtpPolicy(int length, Duration ttl, int maxAttempts, Duration resendCooldown, int maxResends,
                        boolean alphanumeric, String message, Integer maxSendsPerMinute) {

    public static final Duration DEFAULT_RESEND_COOLDOWN = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RESENDS = 3;
    /** 31 characters: digits 2-9 and letters without I, L, O (nor 0 and 1, their look-alikes). */
    public static final String ALPHANUMERIC_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public static final String CODE_PLACEHOLDER = "{code}";
    public static final String APP_PLACEHOLDER = "{app}";
    public static final String MINUTES_PLACEHOLDER = "{minutes}";
    static final int MAX_MESSAGE_LENGTH = 320;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^{}]*}");

    public static final OtpPolicy DEFAULT = new OtpPolicy(6, Duration.ofMinutes(5), 5);

    /** A policy with the default resend settings ({@value #DEFAULT_MAX_RESENDS} resends, 30 s apart), digits, the built-in text. */
    public OtpPolicy(int length, Duration ttl, int maxAttempts) {
        this(length, ttl, maxAttempts, defaultCooldown(ttl), DEFAULT_MAX_RESENDS);
    }

    /** A policy of digit codes with the built-in text and no per-application send limit. */
    public OtpPolicy(int length, Duration ttl, int maxAttempts, Duration resendCooldown, int maxResends) {
        this(length, ttl, maxAttempts, resendCooldown, maxResends, false, null, null);
    }

    /** Binds a policy where any setting left out takes its default (the config file's {@code otp:} block). */
    @JsonCreator
    public static OtpPolicy of(@JsonProperty("length") Integer length, @JsonProperty("ttl") Duration ttl,
                               @JsonProperty("maxAttempts") Integer maxAttempts,
                               @JsonProperty("resendCooldown") Duration resendCooldown,
                               @JsonProperty("maxResends") Integer maxResends,
                               @JsonProperty("alphanumeric") Boolean alphanumeric,
                               @JsonProperty("message") String message,
                               @JsonProperty("maxSendsPerMinute") Integer maxSendsPerMinute) {
        return new OtpPolicy(length == null ? DEFAULT.length : length, ttl == null ? DEFAULT.ttl : ttl,
                maxAttempts == null ? DEFAULT.maxAttempts : maxAttempts,
                resendCooldown == null ? defaultCooldown(ttl == null ? DEFAULT.ttl : ttl) : resendCooldown,
                maxResends == null ? DEFAULT_MAX_RESENDS : maxResends, alphanumeric != null && alphanumeric,
                message, maxSendsPerMinute);
    }

    /** The default cooldown, or the whole lifetime when that is shorter. */
    private static Duration defaultCooldown(Duration ttl) {
        return ttl == null || ttl.compareTo(DEFAULT_RESEND_COOLDOWN) >= 0 ? DEFAULT_RESEND_COOLDOWN : ttl;
    }

    public OtpPolicy {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(resendCooldown, "resendCooldown");
        if (length < 4 || length > 10) {
            throw new IllegalArgumentException("length must be 4..10, was " + length);
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("ttl must be more than 0 and at most PT10M, was " + ttl);
        }
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be 1..100, was " + maxAttempts);
        }
        if (resendCooldown.isNegative() || resendCooldown.compareTo(ttl) > 0) {
            throw new IllegalArgumentException("resendCooldown must be 0.." + ttl + " (the ttl), was " + resendCooldown);
        }
        if (maxResends < 0 || maxResends > 10) {
            throw new IllegalArgumentException("maxResends must be 0..10, was " + maxResends);
        }
        if (message != null) {
            checkMessage(message);
        }
        if (maxSendsPerMinute != null && maxSendsPerMinute < 1) {
            throw new IllegalArgumentException("maxSendsPerMinute must be at least 1 (leave it out for no limit), was "
                    + maxSendsPerMinute);
        }
    }

    /** Entropy of one code in bits: NIST asks for at least 20. */
    public double entropyBits() {
        return length * (Math.log(alphanumeric ? ALPHANUMERIC_ALPHABET.length() : 10) / Math.log(2));
    }

    private static void checkMessage(String message) {
        if (message.isBlank() || message.length() > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("message must be 1.." + MAX_MESSAGE_LENGTH + " characters");
        }
        if (!message.contains(CODE_PLACEHOLDER)) {
            throw new IllegalArgumentException("message must contain " + CODE_PLACEHOLDER);
        }
        Matcher m = PLACEHOLDER.matcher(message);
        while (m.find()) {
            String p = m.group();
            if (!p.equals(CODE_PLACEHOLDER) && !p.equals(APP_PLACEHOLDER) && !p.equals(MINUTES_PLACEHOLDER)) {
                throw new IllegalArgumentException("message has an unknown placeholder " + p + "; known: "
                        + CODE_PLACEHOLDER + ", " + APP_PLACEHOLDER + ", " + MINUTES_PLACEHOLDER);
            }
        }
    }
}
