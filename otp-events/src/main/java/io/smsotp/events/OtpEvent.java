package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * What the single writer decided, keyed by challenge id on {@link Topics#EVENTS}. Answers to a
 * command carry its request id and reply-to instance; events the writer makes on its own
 * (expiry, delivery updates) carry null there.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = OtpEvent.ChallengeCreated.class, name = "created"),
        @JsonSubTypes.Type(value = OtpEvent.CodeChecked.class, name = "checked"),
        @JsonSubTypes.Type(value = OtpEvent.ChallengeState.class, name = "state"),
        @JsonSubTypes.Type(value = OtpEvent.CommandRejected.class, name = "rejected"),
        @JsonSubTypes.Type(value = OtpEvent.ChallengeExpired.class, name = "expired"),
        @JsonSubTypes.Type(value = OtpEvent.DeliveryUpdated.class, name = "delivery"),
        @JsonSubTypes.Type(value = OtpEvent.CodeResent.class, name = "resent"),
        @JsonSubTypes.Type(value = OtpEvent.SendRateLimited.class, name = "rate_limited"),
        @JsonSubTypes.Type(value = OtpEvent.NoticeQueued.class, name = "notice_queued"),
})
public sealed interface OtpEvent {

    String challengeId();

    String requestId();

    String replyTo();

    /** The challenge exists and its send request is queued. */
    record ChallengeCreated(String challengeId, String requestId, String replyTo, ChallengeView challenge)
            implements OtpEvent {
    }

    /**
     * A verify was processed. {@code valid} is true for exactly the one call that approved the
     * challenge; {@code counted} says whether this call used up an attempt (a wrong code on a
     * pending challenge) as opposed to meeting a challenge that was no longer pending.
     */
    record CodeChecked(String challengeId, String requestId, String replyTo, boolean valid, boolean counted,
                       ChallengeView challenge) implements OtpEvent {
    }

    /** The answer to a status query. */
    record ChallengeState(String challengeId, String requestId, String replyTo, ChallengeView challenge)
            implements OtpEvent {
    }

    /** The command was not carried out; {@code reason} is a stable code such as {@code not_found}. */
    record CommandRejected(String challengeId, String requestId, String replyTo, String reason, String message)
            implements OtpEvent {
        public static final String NOT_FOUND = "not_found";
        public static final String DUPLICATE = "duplicate";
    }

    /** The sweep found the challenge past its lifetime while still pending. */
    record ChallengeExpired(String challengeId, String requestId, String replyTo, ChallengeView challenge)
            implements OtpEvent {
    }

    /** A delivery report changed the challenge's delivery state. */
    record DeliveryUpdated(String challengeId, String requestId, String replyTo, ChallengeView challenge)
            implements OtpEvent {
    }

    /**
     * The answer to a resend. {@code sent} is true when a new code went out (the old one no longer
     * works); otherwise {@code refusal} says why not: {@link #COOLDOWN} (too soon after the last
     * send, see the view's {@code resendAvailableAt}), {@link #LIMIT} (no resends left) or
     * {@link #NOT_PENDING} (approved, expired, canceled or out of attempts).
     */
    record CodeResent(String challengeId, String requestId, String replyTo, boolean sent, String refusal,
                      ChallengeView challenge) implements OtpEvent {
        public static final String COOLDOWN = "resend_cooldown";
        public static final String LIMIT = "max_resends_reached";
        public static final String NOT_PENDING = "not_pending";
    }

    /**
     * A create or a resend was refused because a send limit is used up; nothing was sent and, for
     * a create, no challenge exists. {@code limit} names it ({@link #PER_NUMBER}, {@link #PER_APP},
     * {@link #PER_IP}); {@code retryAt} is when the limit lets the next send through.
     */
    record SendRateLimited(String challengeId, String requestId, String replyTo, String limit, Instant retryAt)
            implements OtpEvent {
        public static final String PER_NUMBER = "per_number";
        public static final String PER_APP = "per_app";
        public static final String PER_IP = "per_ip";
    }

    /** A {@link OtpCommand.SendNotice} was taken: its SMS, {@code messageId}, is queued for the dispatcher. */
    record NoticeQueued(String challengeId, String requestId, String replyTo, String messageId) implements OtpEvent {
    }
}
