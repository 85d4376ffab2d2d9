package io.smsotp.dispatcher.provider;

import io.smsotp.config.DispatcherSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The wait before the next try of one provider: exponential, capped, spread by jitter so that the
 * messages a provider failed together do not come back together; a 429's Retry-After wins when
 * it asks for longer.
 */
final class Backoff {

    private final DispatcherSettings.Retry retry;
    private final DoubleSupplier random;

    Backoff(DispatcherSettings.Retry retry) {
        this(retry, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1) */
    Backoff(DispatcherSettings.Retry retry, DoubleSupplier random) {
        this.retry = Objects.requireNonNull(retry, "retry");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * @param failedTries tries of this provider that failed so far (1 before the first retry)
     * @param retryAfter what the provider asked for, or null
     */
    Duration delay(int failedTries, Duration retryAfter) {
        double base = retry.initialBackoff().toNanos() * Math.pow(retry.multiplier(), Math.max(0, failedTries - 1));
        base = Math.min(base, retry.maxBackoff().toNanos());
        double spread = 1.0 + retry.jitter() * (2.0 * random.getAsDouble() - 1.0);
        Duration wait = Duration.ofNanos(Math.max(0L, (long) (base * spread)));
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }
}
