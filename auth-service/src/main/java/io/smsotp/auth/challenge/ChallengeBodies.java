package io.smsotp.auth.challenge;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.Delivery;
import java.time.Instant;

/** The JSON bodies the challenge API answers with. Numbers in them are always masked. */
public final class ChallengeBodies {

    private ChallengeBodies() {
    }

    /** 201 to {@code POST /challenges}. */
    public record Created(String id, ChallengeStatus status, String to, Instant expiresAt, int attemptsLeft) {
    }

    /** 200 to {@code POST /challenges/{id}/verify}. */
    public record Verified(String id, ChallengeStatus status, boolean valid, int attemptsLeft) {
    }

    /** 200 to {@code GET /challenges/{id}}; {@code deliveryReason} only when delivery failed. */
    public record Status(String id, ChallengeStatus status, String to, Instant expiresAt, int attemptsLeft,
                         Delivery delivery, String deliveryReason) {
    }

    /** 200 to {@code POST /challenges/{id}/resend}: a new code went out. */
    public record Resent(String id, ChallengeStatus status, String to, Instant expiresAt, int attemptsLeft,
                         int resendsLeft, Instant resendAvailableAt) {
    }
}
