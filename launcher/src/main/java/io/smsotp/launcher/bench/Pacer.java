package io.smsotp.launcher.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Open-loop load at a fixed rate: wakes with parkNanos and fires every send that is due, so a
 * slow response never slows the offered load, and no core is burnt spinning.
 */
final class Pacer {

    /** One send of a schedule: its index and when it was due ({@link System#nanoTime()}). */
    @FunctionalInterface
    interface ScheduledSend {
        void send(long index, long dueNanos);
    }

    private Pacer() {
    }

    /** Calls {@code send.accept(i)} for i = 0..count-1 at {@code perSecond}; returns the seconds taken. */
    static double run(int count, int perSecond, LongConsumer send) {
        return run(count, perSecond, (i, due) -> send.accept(i));
    }

    /**
     * As {@link #run(int, int, LongConsumer)}, telling each send when the schedule meant it to go:
     * latency measured from there, not from when it went out, counts the wait of a send that a
     * stalled generator (GC, a descheduled thread) sent late, instead of omitting it.
     */
    static double run(int count, int perSecond, ScheduledSend send) {
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        long sent = 0;
        while (sent < count) {
            long due = Math.min(count, (System.nanoTime() - start) / interval + 1);
            while (sent < due) {
                send.send(sent, start + sent * interval);
                sent++;
            }
            LockSupport.parkNanos(Math.max(100_000L, interval / 2));
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
