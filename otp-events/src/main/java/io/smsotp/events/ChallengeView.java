package io.smsotp.events;

import java.time.Instant;
import java.util.Objects;

/**
 * What a challenge looks like from outside the single writer: never a code or its hash.
 *
 * @param to the recipient in E.164 (auth-service masks it before it leaves)
 * @param deliveryReason why delivery failed, else null
 */
public record ChallengeView(ChallengeStatus status, String to, Instant expiresAt, int attemptsLeft,
                            Delivery delivery, String deliveryReason) {
    public ChallengeView {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(delivery, "delivery");
    }
}
