package io.smsotp.logging;

import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * The challenge a thread is working on, in the logging MDC under {@value #KEY}: the JSON log
 * format writes it as a field of every line logged meanwhile, so that a log shipper can gather
 * one challenge's lines across the services. Put it where the work for one challenge starts,
 * in a try-with-resources, since threads are pooled.
 */
public final class ChallengeMdc {

    /** The MDC key, and the JSON field name. */
    public static final String KEY = "challengeId";

    private ChallengeMdc() {
    }

    /** Puts {@code challengeId} (null: nothing) until {@link Scope#close()}, which puts back what was there. */
    public static Scope put(String challengeId) {
        String previous = MDC.get(KEY);
        if (challengeId != null) {
            MDC.put(KEY, challengeId);
        }
        return new Scope(previous, challengeId != null);
    }

    /** {@code action}, run with {@code challengeId} in the MDC: for a callback on another thread. */
    public static <T> Consumer<T> around(String challengeId, Consumer<T> action) {
        return value -> {
            try (Scope ignored = put(challengeId)) {
                action.accept(value);
            }
        };
    }

    /** Ends a {@link #put}. */
    public static final class Scope implements AutoCloseable {
        private final String previous;
        private final boolean changed;

        private Scope(String previous, boolean changed) {
            this.previous = previous;
            this.changed = changed;
        }

        @Override
        public void close() {
            if (!changed) {
                return;
            }
            if (previous == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, previous);
            }
        }
    }
}
