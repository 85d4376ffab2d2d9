package io.smsotp.events;

import java.time.Instant;

/**
 * One SMS to send, keyed by challenge id on {@link Topics#SMS_OUTBOUND}.
 *
 * @param messageId unique per send request; delivery reports name it
 * @param to recipient in E.164
 * @param text the message, code included
 * @param expiresAt the challenge's expiry: a message that arrives later is useless
 */
public record SmsRequest(String messageId, String challengeId, String appId, String to, String text,
                         Instant expiresAt) {
    @Override
    public String toString() {
        // the text holds the code: never print it
        return "SmsRequest[messageId=" + messageId + ", challengeId=" + challengeId + ", appId=" + appId + "]";
    }
}
