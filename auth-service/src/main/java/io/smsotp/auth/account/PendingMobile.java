package io.smsotp.auth.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A number change waiting for its code, sealed into the code page's form: the number is saved only
 * when the code of {@code challengeId} verifies, and only for the session that asked. A replayed,
 * parallel or late post meets the challenge's own single-use rule: exactly one verify approves it.
 *
 * @param sessionId the session that asked; another session's post of this form is refused
 * @param mobile the new number, E.164
 * @param expiresAt the challenge's end: the form is refused after it
 */
record PendingMobile(String sessionId, String username, String mobile, String challengeId, Instant expiresAt) {

    /** The purpose the form's token is sealed for: it opens as nothing else. */
    static final String PURPOSE = "smsotp_account_pending_mobile";
    /** The form field that carries it. */
    static final String FIELD = "change";

    PendingMobile {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(mobile, "mobile");
        Objects.requireNonNull(challengeId, "challengeId");
        expiresAt = Objects.requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.SECONDS);
    }

    @Override
    public String toString() {
        // the number is personal data, the challenge id a bearer handle
        return "PendingMobile[username=" + username + ", expiresAt=" + expiresAt + "]";
    }
}
