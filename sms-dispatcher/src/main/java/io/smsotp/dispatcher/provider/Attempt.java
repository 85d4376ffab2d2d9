package io.smsotp.dispatcher.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One try of one provider for one message, as the dispatcher judges it.
 *
 * @param provider the provider's name
 * @param kind what the try came to, and so what to do next
 * @param httpStatus the provider's status, or null when it did not answer
 * @param reason why it did not count as sent (value-free: never the number, text or a credential); null when sent
 * @param retryAfter for a {@link Kind#RETRYABLE} 429 that named one, how long the provider asked to wait; else null
 * @param at when the try ended
 */
public record Attempt(String provider, Kind kind, Integer httpStatus, String reason, Duration retryAfter, Instant at) {

    /** What a try came to. */
    public enum Kind {
        /** The provider accepted the message (status and body check passed). */
        SENT,
        /** Worth another try of the same provider after a backoff: no answer, a timeout, 429, 408 or 5xx. */
        RETRYABLE,
        /** Another try of the same provider would fail the same way (other 4xx, a failed body check): fail over. */
        PERMANENT
    }

    public Attempt {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        if (kind != Kind.SENT) {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public boolean sent() {
        return kind == Kind.SENT;
    }
}
