package io.smsotp.stream.challenge;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import java.time.Instant;

/**
 * A challenge as its single writer stores it. Holds the keyed hash of the code, never the code.
 *
 * @param to recipient in E.164
 * @param codeHash base64 HMAC-SHA256 of {@code id + ":" + code}
 * @param messageId the current send request; delivery reports for older ones are ignored
 * @param deliveryReason why delivery failed, else null
 */
public record ChallengeRecord(String id, String appId, String appName, String to, String codeHash,
                              Instant createdAt, Instant expiresAt, int maxAttempts, int attemptsLeft,
                              ChallengeStatus status, Delivery delivery, String deliveryReason, String messageId) {

    /** Whether the challenge still takes codes but its lifetime is over at {@code now}. */
    boolean dueToExpire(Instant now) {
        return status == ChallengeStatus.PENDING && !now.isBefore(expiresAt);
    }

    ChallengeView view() {
        return new ChallengeView(status, to, expiresAt, attemptsLeft, delivery, deliveryReason);
    }

    ChallengeRecord withStatus(ChallengeStatus newStatus) {
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, attemptsLeft,
                newStatus, delivery, deliveryReason, messageId);
    }

    /** One wrong code used up; out of attempts once none are left. */
    ChallengeRecord withWrongAttempt() {
        int left = Math.max(0, attemptsLeft - 1);
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, left,
                left == 0 ? ChallengeStatus.MAX_ATTEMPTS_REACHED : status, delivery, deliveryReason, messageId);
    }

    ChallengeRecord withDelivery(Delivery newDelivery, String reason) {
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, attemptsLeft,
                status, newDelivery, reason, messageId);
    }

    @Override
    public String toString() {
        // the hash is not the code, but logs have no use for it either
        return "ChallengeRecord[id=" + id + ", appId=" + appId + ", status=" + status + ", attemptsLeft="
                + attemptsLeft + ", expiresAt=" + expiresAt + ", delivery=" + delivery + "]";
    }
}
