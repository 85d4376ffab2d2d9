package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a challenge stands. Only {@link #PENDING} accepts codes. */
public enum ChallengeStatus {
    PENDING, APPROVED, EXPIRED, CANCELED, MAX_ATTEMPTS_REACHED;

    /** The name used in JSON, on the wire and in the API. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
