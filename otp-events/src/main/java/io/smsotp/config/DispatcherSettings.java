package io.smsotp.config;

import java.time.Duration;

/**
 * sms-dispatcher.
 *
 * @param groupId consumer group shared by every dispatcher worker
 * @param requestTimeout no provider answer within this is a failure
 * @param maxInFlight provider requests one worker keeps open at once
 * @param maxPending send requests one worker holds at once, in flight or waiting for a retry; past
 *     it the worker stops reading until some finish
 * @param retry backoff between tries of one provider
 * @param breaker the circuit breaker each provider gets
 * @param managementPort port of {@code /health/live}, {@code /health/ready} and {@code /metrics}
 *     (default 8082; 0: any free port; -1: none)
 * @param shutdownTimeout the longest a stop takes (default 8 s, 1 s .. 5 min): open provider calls
 *     get most of it to end and be reported, the rest is for the commit, leaving the group and
 *     flushing the producer
 */
public record DispatcherSettings(String groupId, Duration requestTimeout, Integer maxInFlight, Integer maxPending,
                                 Retry retry, Breaker breaker, Integer managementPort, Duration shutdownTimeout) {

    /** Default port of sms-dispatcher's health and metrics endpoints. */
    public static final int DEFAULT_MANAGEMENT_PORT = 8082;

    /**
     * Exponential backoff with jitter: try n waits {@code initialBackoff × multiplier^(n-1)}, at most
     * {@code maxBackoff}, each spread at random by ±{@code jitter} (a fraction); a 429's
     * {@code Retry-After} wins when it asks for longer.
     */
    public record Retry(Duration initialBackoff, Duration maxBackoff, Double multiplier, Double jitter) {
        public Retry {
            initialBackoff = Settings.positive("dispatcher.retry.initialBackoff", initialBackoff, Duration.ofMillis(500));
            maxBackoff = Settings.positive("dispatcher.retry.maxBackoff", maxBackoff, Duration.ofSeconds(10));
            multiplier = multiplier == null ? 2.0 : multiplier;
            jitter = jitter == null ? 0.5 : jitter;
            if (multiplier < 1.0 || multiplier > 10.0) {
                throw new IllegalArgumentException("dispatcher.retry.multiplier must be 1..10, was " + multiplier);
            }
            if (jitter < 0.0 || jitter > 1.0) {
                throw new IllegalArgumentException("dispatcher.retry.jitter must be 0..1, was " + jitter);
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("dispatcher.retry.maxBackoff must be at least initialBackoff");
            }
        }

        public static Retry defaults() {
            return new Retry(null, null, null, null);
        }
    }

    /**
     * A provider's circuit opens when at least {@code failureRatePercent} of its last
     * {@code windowCalls} calls failed (once {@code minimumCalls} were made); while open, sends
     * skip it; after {@code openDuration} one probe at a time is let through.
     */
    public record Breaker(Integer failureRatePercent, Integer windowCalls, Integer minimumCalls, Duration openDuration) {
        public Breaker {
            failureRatePercent = Settings.atLeast("dispatcher.breaker.failureRatePercent", failureRatePercent, 50, 1);
            if (failureRatePercent > 100) {
                throw new IllegalArgumentException("dispatcher.breaker.failureRatePercent must be 1..100, was "
                        + failureRatePercent);
            }
            windowCalls = Settings.atLeast("dispatcher.breaker.windowCalls", windowCalls, 20, 1);
            minimumCalls = Settings.atLeast("dispatcher.breaker.minimumCalls", minimumCalls, 5, 1);
            openDuration = Settings.positive("dispatcher.breaker.openDuration", openDuration, Duration.ofSeconds(30));
        }

        public static Breaker defaults() {
            return new Breaker(null, null, null, null);
        }
    }

    public DispatcherSettings {
        groupId = Settings.orDefault(groupId, "smsotp-sms-dispatcher");
        requestTimeout = Settings.positive("dispatcher.requestTimeout", requestTimeout, Duration.ofSeconds(5));
        maxInFlight = Settings.atLeast("dispatcher.maxInFlight", maxInFlight, 64, 1);
        maxPending = Settings.atLeast("dispatcher.maxPending", maxPending, Math.max(1000, maxInFlight), maxInFlight);
        retry = Settings.orDefault(retry, Retry.defaults());
        breaker = Settings.orDefault(breaker, Breaker.defaults());
        managementPort = Settings.managementPort("dispatcher.managementPort", managementPort, DEFAULT_MANAGEMENT_PORT);
        shutdownTimeout = Settings.shutdownTimeout("dispatcher.shutdownTimeout", shutdownTimeout);
    }

    /** Settings with the default shutdown timeout. */
    public DispatcherSettings(String groupId, Duration requestTimeout, Integer maxInFlight, Integer maxPending,
                              Retry retry, Breaker breaker, Integer managementPort) {
        this(groupId, requestTimeout, maxInFlight, maxPending, retry, breaker, managementPort, null);
    }

    /** Settings without a management server (tests, embedding). */
    public DispatcherSettings(String groupId, Duration requestTimeout, Integer maxInFlight, Integer maxPending,
                              Retry retry, Breaker breaker) {
        this(groupId, requestTimeout, maxInFlight, maxPending, retry, breaker, -1);
    }

    public DispatcherSettings(String groupId, Duration requestTimeout, Integer maxInFlight) {
        this(groupId, requestTimeout, maxInFlight, null, null, null);
    }

    public static DispatcherSettings defaults() {
        return new DispatcherSettings(null, null, null, null, null, null, null, null);
    }

    /** The same settings with the management server on {@code port} (0: any free port; -1: none). */
    public DispatcherSettings withManagementPort(int port) {
        return new DispatcherSettings(groupId, requestTimeout, maxInFlight, maxPending, retry, breaker, port,
                shutdownTimeout);
    }

    /** The same settings with {@code timeout} as the longest a stop takes. */
    public DispatcherSettings withShutdownTimeout(Duration timeout) {
        return new DispatcherSettings(groupId, requestTimeout, maxInFlight, maxPending, retry, breaker, managementPort,
                timeout);
    }
}
