package io.smsotp.launcher.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Open-loop load at a fixed rate: wakes with parkNanos and fires every send that is due, so a
 * slow response never slows the offered load, and no core is burnt spinning.
 */
final class Pacer {

    private Pacer() {
    }

    /** Calls {@code send.accept(i)} for i = 0..count-1 at {@code perSecond}; returns the seconds taken. */
    static double run(int count, int perSecond, LongConsumer send) {
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        long sent = 0;
        while (sent < count) {
            long due = Math.min(count, (System.nanoTime() - start) / interval + 1);
            while (sent < due) {
                send.accept(sent++);
            }
            LockSupport.parkNanos(Math.max(100_000L, interval / 2));
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
