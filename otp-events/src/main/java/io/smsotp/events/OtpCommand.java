package io.smsotp.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A command to the single writer of challenge state, keyed by challenge id on {@link Topics#COMMANDS}.
 * Each carries a request id and the instance to reply to: the outcome on {@link Topics#EVENTS}
 * names both, so the waiting request on that auth-service instance completes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = OtpCommand.CreateChallenge.class, name = "create"),
        @JsonSubTypes.Type(value = OtpCommand.VerifyCode.class, name = "verify"),
        @JsonSubTypes.Type(value = OtpCommand.GetStatus.class, name = "status"),
        @JsonSubTypes.Type(value = OtpCommand.ResendCode.class, name = "resend"),
        @JsonSubTypes.Type(value = OtpCommand.CancelChallenge.class, name = "cancel"),
        @JsonSubTypes.Type(value = OtpCommand.SendNotice.class, name = "notice"),
})
public sealed interface OtpCommand {

    String challengeId();

    /** The application that asks; a challenge answers only the application that made it. */
    String appId();

    String requestId();

    String replyTo();

    /**
     * Make a challenge and send its code.
     *
     * @param to recipient, already normalised to E.164
     * @param appName shown in the SMS text
     * @param clientIp the end user's IP address where the caller knows it (hosted pages, or the
     *     API caller passing it), for the per-IP send limit; else null
     */
    record CreateChallenge(String challengeId, String appId, String appName, String to, OtpPolicy policy,
                           String clientIp, String requestId, String replyTo) implements OtpCommand {

        /** A create without a client IP. */
        public CreateChallenge(String challengeId, String appId, String appName, String to, OtpPolicy policy,
                               String requestId, String replyTo) {
            this(challengeId, appId, appName, to, policy, null, requestId, replyTo);
        }

        @Override
        public String toString() {
            // a full phone number is personal data: logs get its last 4 digits at most
            String masked = to == null || to.length() <= 4 ? "***" : "***" + to.substring(to.length() - 4);
            return "CreateChallenge[challengeId=" + challengeId + ", appId=" + appId + ", to=" + masked
                    + ", policy=" + policy + ", requestId=" + requestId + "]";
        }
    }

    /** Check a code the user typed. */
    record VerifyCode(String challengeId, String appId, String code, String requestId, String replyTo)
            implements OtpCommand {
        @Override
        public String toString() {
            // records print every component; a code must never reach a log
            return "VerifyCode[challengeId=" + challengeId + ", appId=" + appId + ", requestId=" + requestId + "]";
        }
    }

    /** Read the challenge's current state through its writer. */
    record GetStatus(String challengeId, String appId, String requestId, String replyTo) implements OtpCommand {
    }

    /**
     * Send a new code for a pending challenge; the previous code stops working. The attempt count
     * and the lifetime stay as they are. Answered by {@link OtpEvent.CodeResent}.
     */
    record ResendCode(String challengeId, String appId, String clientIp, String requestId, String replyTo)
            implements OtpCommand {

        /** A resend without a client IP. */
        public ResendCode(String challengeId, String appId, String requestId, String replyTo) {
            this(challengeId, appId, null, requestId, replyTo);
        }
    }

    /** End a pending challenge: no code approves it after this. Answered by {@link OtpEvent.ChallengeState}. */
    record CancelChallenge(String challengeId, String appId, String requestId, String replyTo) implements OtpCommand {
    }

    /**
     * Send {@code text} to {@code to} as it is: a notice that carries no code (e.g. "your number was
     * changed"). No challenge is made and nothing is stored: {@code challengeId} is the notice's own
     * id (made like a challenge id, and the record key), which names the SMS in delivery reports.
     * Answered by {@link OtpEvent.NoticeQueued}.
     */
    record SendNotice(String challengeId, String appId, String to, String text, String requestId, String replyTo)
            implements OtpCommand {

        /** Longest text taken: three SMS segments of plain GSM characters. */
        public static final int MAX_TEXT = 459;

        @Override
        public String toString() {
            // the number is personal data and the text may name the user: neither goes to a log whole
            String masked = to == null || to.length() <= 4 ? "***" : "***" + to.substring(to.length() - 4);
            return "SendNotice[challengeId=" + challengeId + ", appId=" + appId + ", to=" + masked + ", text="
                    + (text == null ? 0 : text.length()) + " chars, requestId=" + requestId + "]";
        }
    }
}
