package io.smsotp.auth.challenge;

import io.smsotp.auth.http.ApiException;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpEvent.ChallengeCreated;
import io.smsotp.events.OtpEvent.ChallengeState;
import io.smsotp.events.OtpEvent.CodeChecked;
import io.smsotp.events.OtpEvent.CommandRejected;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the single writer's reply to a command into the API's answer, or into the exception that answers it. */
final class Replies {

    private Replies() {
    }

    static ChallengeBodies.Created created(String id, OtpEvent reply) {
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
