package io.smsotp.dispatcher.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One provider as the sender uses it: its configuration, its circuit breaker and its rate gate.
 *
 * <p>What counts against the provider in its breaker ({@link #verdict}): a try that got no answer
 * or a retryable one (timeout, network failure, 408, 429, 5xx), and an answer that says the
 * provider as configured cannot take any message (3xx: it moved, and redirects are not followed;
 * 401, 403, 407: credentials or account; 404, 405: the URL or method). What does not: a sent
 * message, and an answer that judged this one message (400, 422 and other 4xx for a bad number
 * or text, a 2xx whose body check failed): one bad number must not take a working provider out
 * of service for everybody. A try that never reached the provider (its request could not be
 * made) is not counted at all.
 */
final class Lane {

    /** Statuses that say the provider as configured takes no message at all, whatever it is. */
    private static final Set<Integer> PROVIDER_REFUSES = Set.of(401, 403, 404, 405, 407);

    enum Verdict { SUCCESS, FAILURE, NOT_CALLED }

    final ProviderConfig config;
    final CircuitBreaker breaker;
    final RateGate gate;

    /** @param breakers where the breaker is made (and its meters see it), one registry per sender */
    Lane(ProviderConfig config, DispatcherSettings.Breaker settings, ScheduledExecutorService scheduler,
         CircuitBreakerRegistry breakers) {
        this.config = config;
        this.breaker = breakers.circuitBreaker(breakerName(config.name()), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowCalls())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openDuration())
                // one probe at a time once the wait is over; the next try asks, no timer thread needed
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build());
        this.gate = new RateGate(config.name(), config.ratePerSecond(), scheduler);
    }

    String name() {
        return config.name();
    }

    /** The breaker's name, as its meters' {@code name} tag shows it. */
    static String breakerName(String provider) {
        return "provider-" + provider;
    }

    /** Tells the breaker how a call it permitted went. */
    void record(Attempt attempt, long nanos) {
        switch (verdict(attempt)) {
            case SUCCESS -> breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            case FAILURE -> breaker.onError(nanos, TimeUnit.NANOSECONDS, new ProviderFailure(attempt.reason()));
            case NOT_CALLED -> breaker.releasePermission();
        }
    }

    static Verdict verdict(Attempt attempt) {
        return switch (attempt.kind()) {
            case SENT -> Verdict.SUCCESS;
            case RETRYABLE -> Verdict.FAILURE;
            case PERMANENT -> {
                Integer status = attempt.httpStatus();
                if (status == null) {
                    yield Verdict.NOT_CALLED;
                }
                yield status >= 300 && status < 400 || PROVIDER_REFUSES.contains(status) ? Verdict.FAILURE : Verdict.SUCCESS;
            }
        };
    }

    /** What the breaker records for a failed call: the reason only, no stack (it is not a defect). */
    static final class ProviderFailure extends RuntimeException {
        ProviderFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
