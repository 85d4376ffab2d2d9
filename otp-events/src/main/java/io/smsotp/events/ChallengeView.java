package io.smsotp.events;

import java.time.Instant;
import java.util.Objects;

/**
 * What a challenge looks like from outside the single writer: never a code or its hash.
 *
 * @param to the recipient in E.164 (auth-service masks it before it leaves)
 * @param deliveryReason why delivery failed, else null
 * @param resendsLeft how many more times a new code may be sent
 * @param resendAvailableAt from when the next resend is allowed, or null when none is (no resends
 *     left, or the challenge is no longer pending)
 */
public record ChallengeView(ChallengeStatus status, String to, Instant expiresAt, int attemptsLeft,
                            Delivery delivery, String deliveryReason, int resendsLeft, Instant resendAvailableAt) {

    /** A view of a challenge that allows no resend. */
    public ChallengeView(ChallengeStatus status, String to, Instant expiresAt, int attemptsLeft, Delivery delivery,
                         String deliveryReason) {
        this(status, to, expiresAt, attemptsLeft, delivery, deliveryReason, 0, null);
    }

    public ChallengeView {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(delivery, "delivery");
    }
}
