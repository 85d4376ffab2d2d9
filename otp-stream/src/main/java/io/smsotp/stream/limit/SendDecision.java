package io.smsotp.stream.limit;

import io.smsotp.events.OtpCommand;
import java.time.Instant;
import java.util.List;

/**
 * The limits' answer to a permit request, keyed by challenge id on {@link LimitTopics#SEND_DECISIONS}
 * so it reaches the challenge's single writer.
 *
 * @param grants the sends counted for it (all of its limits when granted; those passed before
 *     the refusing one otherwise): the writer releases them if it does not send after all
 * @param refusedBy null when every limit said yes; else the name of the one that said no
 * @param retryAt when the refusing limit lets the next send through; null when granted
 */
public record SendDecision(String challengeId, OtpCommand command, List<LimitGrant> grants, String refusedBy,
                           Instant retryAt) {

    public SendDecision {
        grants = List.copyOf(grants);
    }

    public boolean granted() {
        return refusedBy == null;
    }
}
