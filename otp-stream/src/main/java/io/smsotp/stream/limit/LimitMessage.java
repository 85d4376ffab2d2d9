package io.smsotp.stream.limit;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.smsotp.events.OtpCommand;
import java.time.Instant;
import java.util.List;

/**
 * What travels on {@link LimitTopics#SEND_PERMITS}, keyed by the limit key it is for, so that
 * every message about one number (or app, or IP) reaches the one {@link SendLimiter} task that
 * counts it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = LimitMessage.PermitRequest.class, name = "permit"),
        @JsonSubTypes.Type(value = LimitMessage.Release.class, name = "release"),
})
public sealed interface LimitMessage {

    /**
     * A send waiting for its limits. It carries everything the final step needs: the command
     * (the whole create, or the resend), the limits still to pass (the first is the one this
     * record is keyed by) and the sends already counted, to release them should a later limit
     * or the final check say no. No code: codes are made only once every limit has said yes.
     */
    record PermitRequest(String challengeId, OtpCommand command, List<LimitHop> hops, List<LimitGrant> grants)
            implements LimitMessage {
        public PermitRequest {
            hops = List.copyOf(hops);
            grants = List.copyOf(grants);
        }
    }

    /** Un-counts a send that was counted but did not happen. */
    record Release(String key, Instant at) implements LimitMessage {
    }
}
