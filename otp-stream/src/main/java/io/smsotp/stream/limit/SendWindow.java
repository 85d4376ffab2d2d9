package io.smsotp.stream.limit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * The sends counted under one limit key in the last {@code windowMillis}: a sliding log whose
 * size is bounded whatever the limit. Sends less than a {@link #SLOTS_PER_WINDOW sixtieth} of the
 * window apart share a slot that leaves the window when its <em>last</em> send does. So a slot
 * never leaves early (the limit is never exceeded in any window), at worst one sixtieth of the
 * window late, and a key holds at most 61 slots even for a limit of thousands per minute.
 * Sparse sends, the usual case for one number or one IP, each get their own slot: exact times.
 * Immutable; the store keeps it as JSON.
 *
 * @param slots oldest first
 */
public record SendWindow(long windowMillis, List<Slot> slots) {

    /** Slots per window: the bound on the size and the worst-case lateness (1/60 of the window). */
    static final int SLOTS_PER_WINDOW = 60;

    /** {@code count} sends between {@code first} and {@code last} (epoch millis, inclusive). */
    public record Slot(long first, long last, int count) {
    }

    public SendWindow {
        slots = List.copyOf(slots);
    }

    public static SendWindow empty(long windowMillis) {
        return new SendWindow(windowMillis, List.of());
    }

    /** The sends still in the window at {@code now}, measured with {@code window} (the limit's current one). */
    public SendWindow at(long now, long window) {
        List<Slot> kept = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            // a send at t counts during [t, t + window): at t + window it has left
            if (s.last() + window > now) {
                kept.add(s);
            }
        }
        return new SendWindow(window, kept);
    }

    public int count() {
        int n = 0;
        for (Slot s : slots) {
            n += s.count();
        }
        return n;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /**
     * Null when one more send fits under {@code max}; otherwise when it will: once enough of the
     * oldest sends have left that fewer than {@code max} remain. Call on a window {@link #at} now.
     */
    public Long retryAt(int max) {
        int excess = count() - max + 1;
        if (excess <= 0) {
            return null;
        }
        int gone = 0;
        for (Slot s : slots) {
            gone += s.count();
            if (gone >= excess) {
                return s.last() + windowMillis;
            }
        }
        throw new IllegalStateException("unreachable: excess " + excess + " above count " + count());
    }

    /** This window with one more send at {@code now}. */
    public SendWindow plus(long now) {
        List<Slot> next = new ArrayList<>(slots);
        long span = Math.max(1, windowMillis / SLOTS_PER_WINDOW);
        Slot last = next.isEmpty() ? null : next.get(next.size() - 1);
        if (last != null && now >= last.first() && now - last.first() < span) {
            next.set(next.size() - 1, new Slot(last.first(), Math.max(last.last(), now), last.count() + 1));
        } else {
            // a wall clock that stepped back may send a time before the last slot: keep the order
            int at = next.size();
            while (at > 0 && next.get(at - 1).first() > now) {
                at--;
            }
            next.add(at, new Slot(now, now, 1));
        }
        return new SendWindow(windowMillis, next);
    }
}
