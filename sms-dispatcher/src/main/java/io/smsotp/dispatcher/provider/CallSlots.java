package io.smsotp.dispatcher.provider;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * At most {@code max} provider calls open at once, without blocking anybody: a try that finds
 * every slot taken waits in line (first come, first served) and is started by the call that frees
 * a slot. A worker thread never waits here, so polling and newer messages go on.
 */
final class CallSlots {

    private final Deque<BooleanSupplier> waiting = new ArrayDeque<>();
    private int free;

    CallSlots(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.free = max;
    }

    /**
     * Runs {@code task} once a slot is free (now, or later on the thread that frees one). The task
     * answers true when it took the slot (and will {@link #release()} it), false when it no longer
     * needed it.
     */
    void whenFree(BooleanSupplier task) {
        synchronized (this) {
            if (free == 0) {
                waiting.add(task);
                return;
            }
            free--;
        }
        if (!task.getAsBoolean()) {
            release();
        }
    }

    /** Passes the slot to the next waiting task that wants it, or frees it. */
    void release() {
        // a loop, not recursion: a long line of tasks that no longer need the slot must not grow the stack
        while (true) {
            BooleanSupplier next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    free++;
                    return;
                }
            }
            if (next.getAsBoolean()) {
                return;
            }
        }
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
