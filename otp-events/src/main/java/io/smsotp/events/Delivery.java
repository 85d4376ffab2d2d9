package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Delivery of a challenge's latest SMS. */
public enum Delivery {
    /** Send request emitted, no provider answer yet. */
    QUEUED,
    /** A provider accepted the message by its success check. */
    SENT,
    /** No provider accepted it; the reason travels beside. */
    FAILED,
    /** Not sent: it reached a worker after its challenge expired (backlog, outage). */
    DROPPED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
