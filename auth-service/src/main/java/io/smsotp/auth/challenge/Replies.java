package io.smsotp.auth.challenge;

import io.smsotp.auth.http.ApiException;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpEvent.ChallengeCreated;
import io.smsotp.events.OtpEvent.ChallengeState;
import io.smsotp.events.OtpEvent.CodeChecked;
import io.smsotp.events.OtpEvent.CommandRejected;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the single writer's reply to a command into the API's answer, or into the exception that answers it. */
final class Replies {

    private Replies() {
    }

    static ChallengeBodies.Created created(String id, OtpEvent reply, Instant now) {
        if (reply instanceof OtpEvent.SendRateLimited limited) {
            throw rateLimited(limited, now);
        }
        if (reply instanceof ChallengeCreated created) {
            ChallengeView view = created.challenge();
            return new ChallengeBodies.Created(id, view.status(), PhoneNumbers.mask(view.to()), view.expiresAt(),
                    view.attemptsLeft());
        }
        throw notExpected(reply, "create");
    }

    static ChallengeBodies.Verified verified(String id, OtpEvent reply) {
        if (reply instanceof CodeChecked checked) {
            ChallengeView view = checked.challenge();
            if (!checked.counted() && !checked.valid()) {
                // the code was not even looked at: the challenge had already ended
                throw notPending(id, view);
            }
            return new ChallengeBodies.Verified(id, view.status(), checked.valid(), view.attemptsLeft());
        }
        throw notExpected(reply, "verify");
    }

    static ChallengeBodies.Status status(String id, OtpEvent reply) {
        if (reply instanceof ChallengeState state) {
            ChallengeView view = state.challenge();
            return new ChallengeBodies.Status(id, view.status(), PhoneNumbers.mask(view.to()), view.expiresAt(),
                    view.attemptsLeft(), view.delivery(),
                    view.delivery() == Delivery.FAILED ? view.deliveryReason() : null);
        }
        throw notExpected(reply, "status");
    }

    static ChallengeBodies.Resent resent(String id, OtpEvent reply, Instant now) {
        if (reply instanceof OtpEvent.SendRateLimited limited) {
            throw rateLimited(limited, now);
        }
        if (reply instanceof OtpEvent.CodeResent resent) {
            ChallengeView view = resent.challenge();
            if (resent.sent()) {
                return new ChallengeBodies.Resent(id, view.status(), PhoneNumbers.mask(view.to()), view.expiresAt(),
                        view.attemptsLeft(), view.resendsLeft(), view.resendAvailableAt());
            }
            if (OtpEvent.CodeResent.COOLDOWN.equals(resent.refusal())) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("id", id);
                fields.put("resendAvailableAt", view.resendAvailableAt());
                fields.put("resendsLeft", view.resendsLeft());
                return throwing(new ApiException(429, OtpEvent.CodeResent.COOLDOWN,
                        "a new code may be sent from " + view.resendAvailableAt(), fields,
                        Map.of("Retry-After", retryAfter(view.resendAvailableAt(), now))));
            }
            if (OtpEvent.CodeResent.LIMIT.equals(resent.refusal())) {
                // no wait makes another resend possible; the challenge's end is when a new one may start
                return throwing(new ApiException(429, OtpEvent.CodeResent.LIMIT,
                        "this challenge may send no more codes; start a new one after it expires",
                        Map.of("id", id, "resendsLeft", 0), Map.of("Retry-After", retryAfter(view.expiresAt(), now))));
            }
            throw notPending(id, view);
        }
        throw notExpected(reply, "resend");
    }

    static ChallengeBodies.Status canceled(String id, OtpEvent reply) {
        if (reply instanceof ChallengeState state && state.challenge().status() != ChallengeStatus.CANCELED) {
            throw notPending(id, state.challenge());
        }
        return status(id, reply);
    }

    /** 429 {@code account_locked}: the same whatever code was sent. */
    static ApiException accountLocked(Instant until, Instant now) {
        return new ApiException(429, "account_locked", "the account is locked after too many wrong codes",
                Map.of("lockedUntil", until), Map.of("Retry-After", retryAfter(until, now)));
    }

    private static ApiException rateLimited(OtpEvent.SendRateLimited limited, Instant now) {
        return new ApiException(429, "rate_limited", "send limit " + limited.limit() + " reached; try again later",
                Map.of("limit", limited.limit(), "retryAt", limited.retryAt()),
                Map.of("Retry-After", retryAfter(limited.retryAt(), now)));
    }

    /** Whole seconds from {@code now} to {@code at}, at least 1. */
    static String retryAfter(Instant at, Instant now) {
        if (at == null) {
            return "1";
        }
        long millis = java.time.Duration.between(now, at).toMillis();
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }

    private static <T> T throwing(ApiException e) {
        throw e;
    }

    private static ApiException notPending(String id, ChallengeView view) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("status", view.status());
        fields.put("valid", false);
        fields.put("attemptsLeft", view.attemptsLeft());
        return new ApiException(409, "not_pending", "the challenge is " + view.status().wireName()
                + " and accepts no more codes", fields, Map.of());
    }

    private static RuntimeException notExpected(OtpEvent reply, String command) {
        if (reply instanceof CommandRejected rejected) {
            if (CommandRejected.NOT_FOUND.equals(rejected.reason())) {
                // also the answer for another application's challenge: its existence is not revealed
                return ApiException.notFound("no such challenge");
            }
            return new IllegalStateException("otp-stream rejected " + command + ": " + rejected.reason());
        }
        return new IllegalStateException("otp-stream answered " + command + " with "
                + reply.getClass().getSimpleName());
    }
}
