package io.smsotp.auth.users;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds how many password checks run at once. Each Argon2id check takes a core and tens of MiB
 * for tens of milliseconds; unbounded, a burst of sign-ins (or of guesses) would queue on every
 * request thread and take the heap with it. Past {@code concurrency} running and {@code queue}
 * waiting, a check is refused at once with {@link Busy}, which the login answers with 503.
 */
public final class HashingGate {

    /** Longest a check waits for its turn before it is refused as busy. */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    /** Too many password checks are running and waiting: try again in a moment. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final Semaphore running;
    private final int queue;
    private final AtomicInteger waiting = new AtomicInteger();

    public HashingGate(int concurrency, int queue) {
        if (concurrency < 1 || queue < 0) {
            throw new IllegalArgumentException("concurrency must be at least 1 and queue at least 0");
        }
        this.running = new Semaphore(concurrency, true);
        this.queue = queue;
    }

    /** Checks waiting for their turn now. */
    int waiting() {
        return waiting.get();
    }

    /** Runs {@code check} when a slot is free; {@link Busy} when the queue is full or the wait too long. */
    public <T> T run(Supplier<T> check) {
        Objects.requireNonNull(check, "check");
        if (!running.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw new Busy("password checks: all running and " + queue + " waiting");
            }
            try {
                if (!running.tryAcquire(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new Busy("password checks: no turn within " + MAX_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy("password checks: interrupted while waiting");
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return check.get();
        } finally {
            running.release();
        }
    }
}
