package io.smsotp.lifecycle;

/**
 * Keeps the JDK from starting a thread per asynchronous step on small machines.
 *
 * <p>With 2 cores the JDK gives its common pool a parallelism of 1, and {@code CompletableFuture}
 * then runs every {@code *Async} step that names no executor on a new thread of its own. The JDK's
 * {@code HttpClient} takes such a step on every {@code sendAsync}, even with an executor of its
 * own: the dispatcher started a thread for each SMS it sent (2,611 threads in a 117 s login
 * benchmark, JFR's {@code jdk.ThreadStart}), and so did every other HTTP call made that way. With a
 * parallelism of 2 those steps run on the common pool instead.
 *
 * <p>The pool reads its parallelism once, when it is first used, so each {@code main} calls
 * {@link #ensureParallel()} before anything else. A parallelism set on the command line
 * ({@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=N}) is left as it is.
 */
public final class CommonPool {

    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private CommonPool() {
    }

    /** Sets the common pool's parallelism to 2 where the JDK would make it 1, unless it is set already. */
    public static void ensureParallel() {
        if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(PARALLELISM, "2");
        }
    }
}
