package io.smsotp.dispatcher.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smsotp.events.Delivery;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The sender's meters, per provider: {@code smsotp_sms_total{provider, outcome=sent|failed|dropped}}
 * (one per send request, by its final outcome and the provider tried last; {@code none} when none
 * was), {@code smsotp_sms_retries_total{provider}} (a try of a provider that is tried again),
 * {@code smsotp_provider_latency_seconds{provider, result}} (each HTTP call, as a histogram), and
 * resilience4j's meters of each provider's circuit breaker, e.g.
 * {@code resilience4j_circuitbreaker_state{name="provider-<provider>", state}} (1 for its current state).
 */
public final class SendMetrics {

    public static final String SMS = "smsotp.sms";
    public static final String RETRIES = "smsotp.sms.retries";
    public static final String LATENCY = "smsotp.provider.latency";
    /** The provider tag of a request that no provider was tried for. */
    public static final String NO_PROVIDER = "none";

    private final MeterRegistry registry;

    public SendMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Meters into a registry of their own, which nothing reads (tests, benchmarks). */
    public static SendMetrics unread() {
        return new SendMetrics(new SimpleMeterRegistry());
    }

    /** Meters every circuit breaker made in {@code breakers}: state, calls, failure rate. */
    void bindBreakers(CircuitBreakerRegistry breakers) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    }

    /** Registers the provider's meters now, so that they are scraped as 0 before its first send. */
    void register(String provider) {
        for (Delivery d : Delivery.values()) {
            if (d != Delivery.QUEUED) {
                outcome(provider, d);
            }
        }
        retries(provider);
    }

    void completed(DeliveryOutcome outcome) {
        if (outcome.delivery() == Delivery.QUEUED) {
            return;
        }
        outcome(outcome.provider() == null ? NO_PROVIDER : outcome.provider(), outcome.delivery()).increment();
    }

    void retried(String provider) {
        retries(provider).increment();
    }

    void called(String provider, Attempt attempt, long nanos) {
        Timer.builder(LATENCY).tags("provider", provider, "result", attempt.kind().name().toLowerCase(
                        Locale.ROOT))
                .description("provider HTTP calls, from sending the request to its answer or failure")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    private Counter outcome(String provider, Delivery delivery) {
        return Counter.builder(SMS).tags("provider", provider, "outcome", delivery.name().toLowerCase(
                        Locale.ROOT))
                .description("send requests by final outcome and the provider tried last")
                .register(registry);
    }

    private Counter retries(String provider) {
        return Counter.builder(RETRIES).tag("provider", provider)
                .description("tries of a provider that were followed by another try of it")
                .register(registry);
    }
}
