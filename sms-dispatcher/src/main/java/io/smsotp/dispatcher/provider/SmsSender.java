package io.smsotp.dispatcher.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import io.smsotp.logging.ChallengeMdc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers send requests through the configured providers, in their configured order, without
 * ever blocking the caller.
 *
 * <p>Each try of a provider goes: its circuit breaker (open: skip to the next provider, recorded as
 * a "circuit open" attempt) → its rate gate (no permit: queue until the next second) → a free call
 * slot (at most {@code maxInFlight} calls open) → the HTTP call. Then: sent → done; retryable (no
 * answer, timeout, 408, 429, 5xx) → the same provider again after a backoff, up to its
 * {@code maxTries}; permanent (other 4xx, failed body check, cannot render) or tries used up →
 * the next provider. Waits are timers on one scheduler thread, never a sleeping thread. Before
 * every try the request's expiry is checked: a request that expired is dropped, not sent; a retry
 * that would come after the expiry is not waited for (the next provider is tried at once, if any).
 */
public final class SmsSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmsSender.class);

    public static final String NO_PROVIDER = "no provider configured";
    public static final String EXPIRED = "expired before sending";
    public static final String CIRCUIT_OPEN = "circuit open";
    /** How often a send whose every provider has an open circuit looks again. */
    static final Duration ALL_CIRCUITS_OPEN_WAIT = Duration.ofSeconds(1);
    /** A reason is shown to operators and stored with the challenge: keep it short. */
    static final int MAX_REASON = 400;

    /** Replaced whole when the providers change; a send keeps the list it started with. */
    private volatile List<Lane> lanes;
    private final DispatcherSettings.Breaker breakerSettings;
    private final CircuitBreakerRegistry breakers;
    private final ProviderClient client;
    private final Clock clock;
    private final Backoff backoff;
    private final CallSlots slots;
    private final ScheduledExecutorService scheduler;
    private final SendMetrics metrics;

    public SmsSender(List<ProviderConfig> providers, ProviderClient client, DispatcherSettings settings, Clock clock) {
        this(providers, client, settings, clock, SendMetrics.unread());
    }

    /** A sender that meters its sends, retries, calls and breakers into {@code metrics}. */
    public SmsSender(List<ProviderConfig> providers, ProviderClient client, DispatcherSettings settings, Clock clock,
                     SendMetrics metrics) {
        this(providers, client, settings, clock, new Backoff(settings.retry()), metrics);
    }

    /** With the default settings: 64 calls open at most, 3 tries per provider, default backoff and breaker. */
    public SmsSender(List<ProviderConfig> providers, ProviderClient client, Clock clock) {
        this(providers, client, DispatcherSettings.defaults(), clock);
    }

    SmsSender(List<ProviderConfig> providers, ProviderClient client, DispatcherSettings settings, Clock clock,
              Backoff backoff) {
        this(providers, client, settings, clock, backoff, SendMetrics.unread());
    }

    SmsSender(List<ProviderConfig> providers, ProviderClient client, DispatcherSettings settings, Clock clock,
              Backoff backoff, SendMetrics metrics) {
        Objects.requireNonNull(providers, "providers");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(settings, "settings");
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("sms-sender-timers");
            t.setDaemon(true);
            return t;
        });
        // an abandoned request's retry timer must not keep it in memory until it would have fired
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.slots = new CallSlots(settings.maxInFlight());
        // this sender's own: two senders in one JVM (the tests, the launcher's workers) keep their breakers apart
        this.breakers = CircuitBreakerRegistry.ofDefaults();
        this.breakerSettings = settings.breaker();
        metrics.bindBreakers(breakers);
        this.lanes = List.of();
        replaceProviders(providers);
    }

    /**
     * Sends through {@code providers}, in their order, from the next request on (requests already
     * on their way finish with the providers they started with). A provider that did not change
     * keeps its circuit breaker and rate gate; a changed one starts afresh. A preset provider is
     * expanded here ({@link ProviderPresets#expand}).
     */
    public synchronized void replaceProviders(List<ProviderConfig> providers) {
        Map<String, Lane> old = new LinkedHashMap<>();
        lanes.forEach(l -> old.put(l.name(), l));
        List<Lane> next = new ArrayList<>();
        for (ProviderConfig given : providers) {
            ProviderConfig p;
            try {
                p = ProviderPresets.expand(given);
            } catch (IllegalArgumentException e) {
                // one provider that cannot be described (a bad preset from the live configuration) must not stop the others
                LOG.error("provider {} left out: {}", given.name(), e.getMessage());
                continue;
            }
            Lane kept = old.get(p.name());
            if (kept != null && kept.config.equals(p)) {
                next.add(kept);
                continue;
            }
            if (kept != null) {
                breakers.remove(Lane.breakerName(p.name()));
            }
            next.add(new Lane(p, breakerSettings, scheduler, breakers));
            metrics.register(p.name());
        }
        this.lanes = List.copyOf(next);
    }

    /** Starts delivering {@code request}; returns at once. The outcome never completes exceptionally (but may be cancelled by {@link Sending#abandon()}). */
    public Sending deliver(SmsRequest request) {
        Objects.requireNonNull(request, "request");
        List<Lane> now = lanes;
        Sending s = new Sending(request, now);
        // an abandoned request completes cancelled: it has no outcome to count
        s.outcome().thenAccept(metrics::completed);
        if (now.isEmpty()) {
            s.complete(new DeliveryOutcome(Delivery.FAILED, null, null, NO_PROVIDER, List.of()));
            return s;
        }
        step(s);
        return s;
    }

    public List<ProviderConfig> providers() {
        return lanes.stream().map(l -> l.config).toList();
    }

    /** The state of {@code provider}'s circuit breaker (CLOSED, OPEN, HALF_OPEN), for tests and logs. */
    public String breakerState(String provider) {
        return lanes.stream().filter(l -> l.name().equals(provider)).findFirst()
                .map(l -> l.breaker.getState().name()).orElseThrow();
    }

    /** The next try of {@code s}: on whatever thread ended the previous step. */
    private void step(Sending s) {
        try (ChallengeMdc.Scope ignored = ChallengeMdc.put(s.request.challengeId())) {
            nextTry(s);
        }
    }

    private void nextTry(Sending s) {
        // a loop over providers skipped at once (circuit open), not recursion
        while (!s.done()) {
            if (expired(s)) {
                s.complete(dropped(s));
                return;
            }
            if (s.lane >= s.lanes.size()) {
                if (!s.calledThisPass && !s.cutByDeadline) {
                    // every provider's circuit is open (an outage, not a refusal of this message):
                    // wait for one to take probes again rather than fail the SMS; the deadline still ends it
                    s.lane = 0;
                    s.tries = 0;
                    schedule(() -> step(s), ALL_CIRCUITS_OPEN_WAIT);
                    return;
                }
                s.complete(s.cutByDeadline ? dropped(s) : failed(s));
                return;
            }
            Lane lane = s.lanes.get(s.lane);
            if (lane.breaker.tryAcquirePermission()) {
                s.calledThisPass = true;
                lane.gate.whenPermitted(() -> stale(s),
                        () -> slots.whenFree(() -> call(s, lane)),
                        () -> {
                            lane.breaker.releasePermission();
                            step(s);
                        });
                return;
            }
            LOG.debug("message {}: {} skipped, its circuit is open", s.messageId(), lane.name());
            s.add(new Attempt(lane.name(), Attempt.Kind.PERMANENT, null, CIRCUIT_OPEN, null, clock.instant()));
            s.nextLane();
        }
    }

    /** Makes the call if {@code s} still wants it; answers whether it took the call slot. */
    private boolean call(Sending s, Lane lane) {
        if (stale(s) || !s.startCall()) {
            lane.breaker.releasePermission();
            runLater(() -> step(s));
            return false;
        }
        long start = System.nanoTime();
        CompletableFuture<Attempt> call;
        try {
            call = client.attempt(lane.config, s.request);
        } catch (RuntimeException e) {
            call = CompletableFuture.completedFuture(internal(lane, e));
        }
        CompletableFuture<Attempt> c = call;
        Runnable after = () -> {
            Attempt attempt;
            try {
                attempt = c.join();
            } catch (RuntimeException e) {
                attempt = internal(lane, e);
            }
            slots.release();
            long nanos = System.nanoTime() - start;
            lane.record(attempt, nanos);
            metrics.called(lane.name(), attempt, nanos);
            afterCall(s, lane, attempt, s.endCall());
        };
        if (c.isDone()) {
            // answered before it was sent (the request could not be made): off this stack, which may be a slot hand-over
            runLater(after);
        } else {
            c.whenComplete((a, e) -> after.run());
        }
        return true;
    }

    private void afterCall(Sending s, Lane lane, Attempt attempt, boolean abandoned) {
        try (ChallengeMdc.Scope ignored = ChallengeMdc.put(s.request.challengeId())) {
            recordAttempt(s, lane, attempt, abandoned);
        }
    }

    private void recordAttempt(Sending s, Lane lane, Attempt attempt, boolean abandoned) {
        s.add(attempt);
        if (attempt.sent()) {
            s.complete(new DeliveryOutcome(Delivery.SENT, attempt.provider(), attempt.httpStatus(), null, s.attempts()));
            return;
        }
        LOG.debug("message {}: try {} of {} failed ({}): {}", s.messageId(), s.tries + 1, lane.name(),
                attempt.kind(), attempt.reason());
        if (abandoned) {
            s.outcome().cancel(false);
            return;
        }
        if (attempt.kind() == Attempt.Kind.RETRYABLE && ++s.tries < lane.config.maxTries()) {
            Duration wait = backoff.delay(s.tries, attempt.retryAfter());
            Instant expiresAt = s.request.expiresAt();
            if (expiresAt == null || clock.instant().plus(wait).isBefore(expiresAt)) {
                metrics.retried(lane.name());
                schedule(() -> step(s), wait);
                return;
            }
            // the code would be dead by then: another provider may still make it in time
            s.cutByDeadline = true;
        }
        s.nextLane();
        step(s);
    }

    private boolean stale(Sending s) {
        return s.done() || expired(s);
    }

    private boolean expired(Sending s) {
        Instant expiresAt = s.request.expiresAt();
        return expiresAt != null && !clock.instant().isBefore(expiresAt);
    }

    private DeliveryOutcome dropped(Sending s) {
        List<Attempt> attempts = s.attempts();
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        String reason = attempts.isEmpty() ? EXPIRED : "expired before it could be sent: " + summary(attempts);
        return new DeliveryOutcome(Delivery.DROPPED, last == null ? null : last.provider(),
                last == null ? null : last.httpStatus(), reason, attempts);
    }

    private DeliveryOutcome failed(Sending s) {
        List<Attempt> attempts = s.attempts();
        Attempt last = attempts.get(attempts.size() - 1);
        return new DeliveryOutcome(Delivery.FAILED, last.provider(), last.httpStatus(),
                "no provider could send it: " + summary(attempts), attempts);
    }

    /** Each provider's last reason, in the order they were tried, with how many tries it had; value-free. */
    static String summary(List<Attempt> attempts) {
        Map<String, List<Attempt>> byProvider = new LinkedHashMap<>();
        for (Attempt a : attempts) {
            byProvider.computeIfAbsent(a.provider(), k -> new ArrayList<>()).add(a);
        }
        List<String> parts = new ArrayList<>();
        byProvider.forEach((provider, tries) -> {
            String reason = tries.get(tries.size() - 1).reason();
            String part = reason.contains(" from " + provider) ? reason : provider + ": " + reason;
            parts.add(tries.size() > 1 ? part + " (" + tries.size() + " tries)" : part);
        });
        String summary = String.join("; ", parts);
        return summary.length() <= MAX_REASON ? summary : summary.substring(0, MAX_REASON - 3) + "...";
    }

    private static Attempt internal(Lane lane, Throwable e) {
        // a defect of ours, not the provider's answer; the type only, a message could quote a value
        LOG.error("calling {} failed unexpectedly: {}", lane.name(), e.getClass().getName());
        return new Attempt(lane.name(), Attempt.Kind.RETRYABLE, null, "internal error: " + e.getClass().getSimpleName(),
                null, Instant.now());
    }

    private void schedule(Runnable task, Duration wait) {
        try {
            scheduler.schedule(task, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("sender closed; a retry is abandoned");
        }
    }

    private void runLater(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    /** Ends the timers: waiting retries are dropped with the worker (their messages are not committed). */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
