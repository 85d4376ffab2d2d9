package io.smsotp.stream.challenge;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A challenge as its single writer stores it. Holds the keyed hash of the code, never the code.
 *
 * @param to recipient in E.164
 * @param codeHash base64 HMAC-SHA256 of {@code id + ":" + code}
 * @param messageId the current send request; delivery reports for older ones are ignored
 * @param deliveryReason why delivery failed, else null
 * @param codeLength digits in a code, kept so that a resend makes one like the first
 * @param resendsLeft how many more codes may be sent
 * @param lastSentAt when the current code's send request went out
 * @param resendCooldown the least time between two sends, unless the last one failed
 * @param alphanumeric whether codes are of {@link OtpPolicy#ALPHANUMERIC_ALPHABET}, not digits
 * @param message the policy's SMS template, or null for the built-in text
 * @param maxSendsPerMinute the policy's per-application send limit, or null; a resend passes it too
 */
public record ChallengeRecord(String id, String appId, String appName, String to, String codeHash,
                              Instant createdAt, Instant expiresAt, int maxAttempts, int attemptsLeft,
                              ChallengeStatus status, Delivery delivery, String deliveryReason, String messageId,
                              int codeLength, int resendsLeft, Instant lastSentAt, Duration resendCooldown,
                              boolean alphanumeric, String message, Integer maxSendsPerMinute) {

    public ChallengeRecord {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSentAt, "lastSentAt");
        Objects.requireNonNull(resendCooldown, "resendCooldown");
    }

    /** A record of digit codes with the built-in text and no per-application limit. */
    public ChallengeRecord(String id, String appId, String appName, String to, String codeHash, Instant createdAt,
                           Instant expiresAt, int maxAttempts, int attemptsLeft, ChallengeStatus status,
                           Delivery delivery, String deliveryReason, String messageId, int codeLength,
                           int resendsLeft, Instant lastSentAt, Duration resendCooldown) {
        this(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, attemptsLeft, status, delivery,
                deliveryReason, messageId, codeLength, resendsLeft, lastSentAt, resendCooldown, false, null, null);
    }

    /**
     * Reads a stored record. Those stored before resends existed lack codeLength, resendsLeft,
     * lastSentAt and resendCooldown (the stores hold JSON, and the mapper refuses a missing int):
     * they read as sent at creation with the default code length and cooldown, and no resends
     * left, so an old challenge never gets a code of a length its application did not choose.
     * Those stored before alphanumeric codes and templates read as digits, the built-in text and
     * no per-application limit, which is what they were made with.
     */
    @JsonCreator
    static ChallengeRecord fromJson(@JsonProperty("id") String id, @JsonProperty("appId") String appId,
                                    @JsonProperty("appName") String appName, @JsonProperty("to") String to,
                                    @JsonProperty("codeHash") String codeHash,
                                    @JsonProperty("createdAt") Instant createdAt,
                                    @JsonProperty("expiresAt") Instant expiresAt,
                                    @JsonProperty("maxAttempts") int maxAttempts,
                                    @JsonProperty("attemptsLeft") int attemptsLeft,
                                    @JsonProperty("status") ChallengeStatus status,
                                    @JsonProperty("delivery") Delivery delivery,
                                    @JsonProperty("deliveryReason") String deliveryReason,
                                    @JsonProperty("messageId") String messageId,
                                    @JsonProperty("codeLength") Integer codeLength,
                                    @JsonProperty("resendsLeft") Integer resendsLeft,
                                    @JsonProperty("lastSentAt") Instant lastSentAt,
                                    @JsonProperty("resendCooldown") Duration resendCooldown,
                                    @JsonProperty("alphanumeric") Boolean alphanumeric,
                                    @JsonProperty("message") String message,
                                    @JsonProperty("maxSendsPerMinute") Integer maxSendsPerMinute) {
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, attemptsLeft,
                status, delivery, deliveryReason, messageId,
                codeLength == null ? OtpPolicy.DEFAULT.length() : codeLength,
                resendsLeft == null ? 0 : resendsLeft,
                lastSentAt == null ? createdAt : lastSentAt,
                resendCooldown == null ? OtpPolicy.DEFAULT_RESEND_COOLDOWN : resendCooldown,
                alphanumeric != null && alphanumeric, message, maxSendsPerMinute);
    }

    /** Whether the challenge still takes codes but its lifetime is over at {@code now}. */
    boolean dueToExpire(Instant now) {
        return status == ChallengeStatus.PENDING && !now.isBefore(expiresAt);
    }

    /**
     * From when a resend is allowed, or null when none is. A failed send may be replaced at once:
     * waiting out the cooldown would only make the user wait for an SMS that is not coming.
     */
    Instant resendAvailableAt() {
        if (status != ChallengeStatus.PENDING || resendsLeft <= 0) {
            return null;
        }
        return delivery == Delivery.FAILED ? lastSentAt : lastSentAt.plus(resendCooldown);
    }

    ChallengeView view() {
        return new ChallengeView(status, to, expiresAt, attemptsLeft, delivery, deliveryReason, resendsLeft,
                resendAvailableAt());
    }

    ChallengeRecord withStatus(ChallengeStatus newStatus) {
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, attemptsLeft,
                newStatus, delivery, deliveryReason, messageId, codeLength, resendsLeft, lastSentAt,
                resendCooldown, alphanumeric, message, maxSendsPerMinute);
    }

    /** One wrong code used up; out of attempts once none are left. */
    ChallengeRecord withWrongAttempt() {
        int left = Math.max(0, attemptsLeft - 1);
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, left,
                left == 0 ? ChallengeStatus.MAX_ATTEMPTS_REACHED : status, delivery, deliveryReason, messageId,
                codeLength, resendsLeft, lastSentAt, resendCooldown, alphanumeric, message, maxSendsPerMinute);
    }

    ChallengeRecord withDelivery(Delivery newDelivery, String reason) {
        return new ChallengeRecord(id, appId, appName, to, codeHash, createdAt, expiresAt, maxAttempts, attemptsLeft,
                status, newDelivery, reason, messageId, codeLength, resendsLeft, lastSentAt,
                resendCooldown, alphanumeric, message, maxSendsPerMinute);
    }

    /**
     * A new code sent at {@code now} under a new message id: one resend fewer, delivery queued
     * again. The attempts left and the lifetime stay: a resend must not buy more guesses or time.
     */
    ChallengeRecord withNewCode(String newCodeHash, String newMessageId, Instant now) {
        return new ChallengeRecord(id, appId, appName, to, newCodeHash, createdAt, expiresAt, maxAttempts,
                attemptsLeft, status, Delivery.QUEUED, null, newMessageId, codeLength, Math.max(0, resendsLeft - 1),
                now, resendCooldown, alphanumeric, message, maxSendsPerMinute);
    }

    @Override
    public String toString() {
        // the hash is not the code, but logs have no use for it either
        return "ChallengeRecord[id=" + id + ", appId=" + appId + ", status=" + status + ", attemptsLeft="
                + attemptsLeft + ", expiresAt=" + expiresAt + ", delivery=" + delivery + ", resendsLeft="
                + resendsLeft + "]";
    }
}
