package io.smsotp.dispatcher.consumer;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a stop was asked, and the time it has: {@code shutdownTimeout} from the moment it was
 * asked, of which the last part ({@link #closeReserve()}) is kept for the commit, the LeaveGroup
 * and the producer's flush. Any thread.
 */
final class Stop {

    /** The least a closing step gets, even past the stop's deadline: a LeaveGroup is one round trip. */
    static final Duration MIN_STEP = Duration.ofMillis(200);

    private final Duration timeout;
    private final Duration closeReserve;
    private final LongSupplier nanoTime;
    /** When the stop must be done ({@code nanoTime}); set before {@code asked}. */
    private volatile long stopBy;
    private volatile boolean asked;

    Stop(Duration shutdownTimeout) {
        this(shutdownTimeout, System::nanoTime);
    }

    Stop(Duration shutdownTimeout, LongSupplier nanoTime) {
        this.timeout = shutdownTimeout;
        this.nanoTime = nanoTime;
        Duration quarter = shutdownTimeout.dividedBy(4);
        this.closeReserve = quarter.compareTo(Duration.ofSeconds(2)) < 0 ? quarter : Duration.ofSeconds(2);
    }

    /** Starts the stop's time, once; later calls keep the first deadline. */
    void ask() {
        deadline();
        asked = true;
    }

    boolean asked() {
        return asked;
    }

    /** What the commit, the LeaveGroup and the flush keep of the stop's time. */
    Duration closeReserve() {
        return closeReserve;
    }

    /** When the stop must be done; a loop that ends without {@link #ask()} starts its stop now. */
    long deadline() {
        if (stopBy == 0) {
            stopBy = nanoTime.getAsLong() + timeout.toNanos();
        }
        return stopBy;
    }

    /** Until when open calls may be waited for: the deadline less the close reserve. */
    long drainDeadline() {
        return deadline() - closeReserve.toNanos();
    }

    /** What is left of the stop's time, at least {@link #MIN_STEP}. */
    Duration remaining() {
        long left = deadline() - nanoTime.getAsLong();
        return left < MIN_STEP.toNanos() ? MIN_STEP : Duration.ofNanos(left);
    }
}
