package io.smsotp.auth.login;

import java.net.URI;
import java.time.Instant;

/** Login contexts for the tests. */
final class LoginContexts {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private LoginContexts() {
    }

    /** A login that has passed the password and waits for its SMS code: every field set. */
    static LoginContext atSmsStep() {
        return LoginContext.start("pickup-dispatch", URI.create("https://pickup.example/callback"),
                        "state-7f3a9c", "nonce-b81e", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                        "openid profile", NOW)
                .afterPassword("alice.wonder", NOW.plusSeconds(20), LoginContext.Step.SMS_OTP)
                .withChallengeId("q2V7Xr1hT0mYk9bLw3sZ4A")
                .withMobileToCapture("+15551234567");
    }
}
