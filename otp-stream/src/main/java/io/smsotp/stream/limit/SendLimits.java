package io.smsotp.stream.limit;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.events.OtpEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Which limits one send must pass, in the order they are asked: per recipient number always
 * (from {@code rateLimits.perNumber}), per application only when its policy sets
 * {@code maxSendsPerMinute}, per client IP only when the command names one (from
 * {@code rateLimits.perIp}). All are counted in the challenge's own task (see
 * {@link io.smsotp.events.ChallengePlacement}): the per-number limit exactly, since every send to
 * a number meets there; the per-application and per-IP limits per task, so across the
 * {@code P} partitions of {@code otp.commands} one app or one IP gets at most {@code P × max}
 * sends in a window (each task refuses past {@code max}, and a send is counted in exactly one task).
 */
public final class SendLimits {

    /** The per-application limit counts per minute. */
    public static final Duration APP_WINDOW = Duration.ofMinutes(1);

    private final Supplier<RateLimitSettings> live;
    private final LimitKeys keys;

    public SendLimits(RateLimitSettings settings, LimitKeys keys) {
        this(constant(Objects.requireNonNull(settings, "settings")), keys);
    }

    /** @param live the limits now: read at each send, so a change applies from the next one */
    public SendLimits(Supplier<RateLimitSettings> live, LimitKeys keys) {
        this.live = Objects.requireNonNull(live, "live");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    private static Supplier<RateLimitSettings> constant(RateLimitSettings s) {
        return () -> s;
    }

    /**
     * @param to recipient in E.164
     * @param appMaxPerMinute the policy's {@code maxSendsPerMinute}, or null
     * @param clientIp the end user's IP as the command gives it, or null
     */
    public List<LimitCheck> checksFor(String to, String appId, Integer appMaxPerMinute, String clientIp) {
        RateLimitSettings settings = live.get();
        List<LimitCheck> checks = new ArrayList<>(3);
        checks.add(new LimitCheck(OtpEvent.SendRateLimited.PER_NUMBER, keys.number(to), settings.perNumber().max(),
                settings.perNumber().window()));
        if (appMaxPerMinute != null) {
            checks.add(new LimitCheck(OtpEvent.SendRateLimited.PER_APP, keys.app(appId), appMaxPerMinute, APP_WINDOW));
        }
        if (clientIp != null && !clientIp.isBlank()) {
            checks.add(new LimitCheck(OtpEvent.SendRateLimited.PER_IP, keys.ip(clientIp), settings.perIp().max(),
                    settings.perIp().window()));
        }
        return checks;
    }
}
