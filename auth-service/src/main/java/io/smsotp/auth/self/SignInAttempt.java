package io.smsotp.auth.self;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A sign-in on its way through the hosted login, as its short-lived sealed cookie holds it: what
 * the callback checks the answer against (state, nonce), proves itself with (the PKCE verifier),
 * and where the user goes afterwards.
 *
 * @param returnTo a path of the area, taken only from the request the sign-in began on
 */
record SignInAttempt(String state, String verifier, String nonce, String returnTo, Instant startedAt) {

    /** As long as a hosted login may take. */
    static final Duration LIFETIME = Duration.ofMinutes(15);

    SignInAttempt {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(returnTo, "returnTo");
        startedAt = Objects.requireNonNull(startedAt, "startedAt").truncatedTo(ChronoUnit.SECONDS);
    }

    static SignInAttempt start(String returnTo, Instant now) {
        return new SignInAttempt(new State().getValue(), new CodeVerifier().getValue(), new Nonce().getValue(),
                returnTo, now);
    }

    boolean liveAt(Instant now) {
        return now.isBefore(startedAt.plus(LIFETIME));
    }

    @Override
    public String toString() {
        return "SignInAttempt[returnTo=" + returnTo + ", startedAt=" + startedAt + "]";
    }
}
