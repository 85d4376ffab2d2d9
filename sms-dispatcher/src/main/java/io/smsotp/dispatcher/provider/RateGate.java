package io.smsotp.dispatcher.provider;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one provider within its contracted sends per second. Permits come from a resilience4j
 * {@link RateLimiter} (refreshed every second, never waited for on the caller's thread); a try
 * without a permit queues, first come first served, and is started when the next period brings
 * permits. Queued tries that went stale (expired, abandoned) leave the line without using one.
 */
final class RateGate {

    private static final Logger LOG = LoggerFactory.getLogger(RateGate.class);
    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private record Waiter(BooleanSupplier stale, Runnable go, Runnable skip) {
    }

    /** The atomic implementation: it says how long until the next permit, so a timer can wait for it. */
    private final AtomicRateLimiter limiter;
    private final ScheduledExecutorService scheduler;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private boolean drainScheduled;

    /** @param perSecond null: no limit */
    RateGate(String provider, Integer perSecond, ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.limiter = perSecond == null ? null : new AtomicRateLimiter("provider-" + provider, RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                // never park a thread for a permit: a try without one is queued here instead
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /**
     * Runs {@code go} when a permit is had (now, or later on the scheduler); runs {@code skip}
     * instead, without a permit, if {@code stale} says the try is no longer wanted by then.
     */
    void whenPermitted(BooleanSupplier stale, Runnable go, Runnable skip) {
        if (limiter == null) {
            go.run();
            return;
        }
        boolean now;
        synchronized (this) {
            // a newcomer does not overtake those already in line
            now = waiting.isEmpty() && limiter.acquirePermission();
            if (!now) {
                waiting.add(new Waiter(stale, go, skip));
                scheduleDrain();
            }
        }
        if (now) {
            go.run();
        }
    }

    private void drain() {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            drainScheduled = false;
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.stale().getAsBoolean()) {
                    it.remove();
                    due.add(w.skip());
                }
            }
            while (!waiting.isEmpty() && limiter.acquirePermission()) {
                due.add(waiting.poll().go());
            }
            if (!waiting.isEmpty()) {
                scheduleDrain();
            }
        }
        for (Runnable r : due) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("a queued try failed to start: {}", e.getClass().getName());
            }
        }
    }

    private void scheduleDrain() {
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        long wait = Math.max(MIN_WAIT_NANOS, limiter.getDetailedMetrics().getNanosToWait());
        try {
            scheduler.schedule(this::drain, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the sender is closing: what waits here is abandoned with it
            drainScheduled = false;
        }
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
