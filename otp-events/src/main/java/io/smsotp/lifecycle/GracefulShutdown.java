package io.smsotp.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a service's process ends, for its {@code main} only: SIGTERM (docker stop, an orchestrator)
 * or any other exit runs the service's {@code stop()} once, in a shutdown hook that cannot hang:
 * a watchdog halts the JVM with status 1 when the stop outlives its bound by
 * {@link #WATCHDOG_GRACE}, or when it throws. After SIGTERM a clean stop exits with status 0
 * rather than the JVM's 143, so that an orchestrator records a planned stop as a success.
 */
public final class GracefulShutdown {

    /** How long past a stop's own bound the watchdog waits before it halts the JVM. */
    public static final Duration WATCHDOG_GRACE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    /**
     * Registers {@code stop} as the shutdown hook of {@code service} and takes over SIGTERM.
     *
     * @param bound the longest {@code stop} takes by its own design (its shutdown timeout)
     */
    public static void install(String service, Duration bound, Runnable stop) {
        Objects.requireNonNull(stop, "stop");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> runBounded(service, bound, stop,
                status -> Runtime.getRuntime().halt(status)), service + "-shutdown"));
        exitCleanlyOnSigterm(service);
    }

    /**
     * Runs {@code stop} on this thread; calls {@code halt} with 1 when it throws or has not
     * returned within {@code bound} + {@link #WATCHDOG_GRACE}.
     */
    static void runBounded(String service, Duration bound, Runnable stop, IntConsumer halt) {
        Duration limit = bound.plus(WATCHDOG_GRACE);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return; // the stop ended in time
            }
            LOG.error("{} did not stop within {}: halting", service, limit);
            halt.accept(1);
        }, service + "-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            stop.run();
        } catch (RuntimeException | Error e) {
            LOG.error("{} failed to stop: {}", service, e.toString(), e);
            halt.accept(1);
        } finally {
            watchdog.interrupt();
        }
    }

    private static void exitCleanlyOnSigterm(String service) {
        try {
            // the JVM's own handler exits 143 (128 + SIGTERM) whatever the stop did; this one lets the
            // hooks (the stop above) run as usual, and exit 0 says the stop was asked for
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                LOG.info("{}: SIGTERM received", service);
                System.exit(0);
            });
        } catch (IllegalArgumentException | LinkageError e) {
            // the signal is reserved (-Xrs) or jdk.unsupported left out of the runtime: the JVM's
            // handler runs the same hook, and the exit status is 143
            LOG.info("{}: SIGTERM stays with the JVM ({}); a stop exits 143", service, e.toString());
        }
    }
}
