package io.smsotp.auth.login;

import io.smsotp.auth.oidc.AuthenticatedUser;
import io.smsotp.auth.oidc.ValidatedRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A login in progress: what the login pages carry from one request to the next, sealed by
 * {@link LoginContextSealer} so the browser can hold it but neither read nor change it. It holds
 * no password and no code.
 *
 * @param clientId the client the authorization request came from
 * @param redirectUri where the outcome goes, already checked against the client's registration
 * @param state the client's state, or null when it sent none
 * @param nonce the client's nonce for the ID token, or null when it sent none
 * @param codeChallenge the PKCE S256 challenge, or null when the client sent none
 * @param scope the requested scope, space-separated as on the wire
 * @param step the page the login has reached
 * @param username set once the password was right; null at {@link Step#PASSWORD}
 * @param authTime when the password was checked; null at {@link Step#PASSWORD}
 * @param amr the factors passed so far, RFC 8176 values ({@code pwd}, ...)
 * @param challengeId the SMS OTP challenge of this login, or null before one is made
 * @param mobileToCapture the E.164 number being captured, or null
 * @param binding the browser binding, also held in the {@link BrowserBinding#COOKIE_NAME} cookie
 * @param issuedAt when the login began (all times are kept to whole seconds)
 * @param expiresAt when the login must be over; the steps do not extend it
 * @param stepId the one-use id of this context as it was sealed into a page (see {@link UsedSteps});
 *     null until it is sealed: every seal gives a new one
 */
public record LoginContext(String clientId, URI redirectUri, String state, String nonce, String codeChallenge,
                           String scope, Step step, String username, Instant authTime, List<String> amr,
                           String challengeId, String mobileToCapture, String binding, Instant issuedAt,
                           Instant expiresAt, String stepId) {

    /** How long a login may take, from the authorization request to the last step. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);

    /** The page a login has reached. */
    public enum Step {
        PASSWORD, SMS_OTP, CAPTURE_MOBILE
    }

    public LoginContext {
        // whole seconds, as JWT and OIDC times are: a context comes back from its token exactly
        issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.SECONDS);
        expiresAt = Objects.requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.SECONDS);
        authTime = authTime == null ? null : authTime.truncatedTo(ChronoUnit.SECONDS);
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(step, "step");
        amr = List.copyOf(Objects.requireNonNull(amr, "amr"));
        Objects.requireNonNull(binding, "binding");
        if (binding.isEmpty()) {
            throw new IllegalArgumentException("binding must not be empty");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " must be after issuedAt " + issuedAt);
        }
        // past the first page the user is known: a later step without one would be a bug
        if (step != Step.PASSWORD && (username == null || authTime == null)) {
            throw new IllegalArgumentException("step " + step + " needs username and authTime");
        }
    }

    /** A login that starts at the password page, with a fresh browser binding and the default lifetime. */
    public static LoginContext start(ValidatedRequest request, Instant now) {
        Objects.requireNonNull(request, "request");
        return start(request.client().id(), request.redirectUri(),
                request.state() == null ? null : request.state().getValue(),
                request.nonce() == null ? null : request.nonce().getValue(),
                request.codeChallenge() == null ? null : request.codeChallenge().getValue(),
                request.scope().toString(), now);
    }

    /** A login that starts at the password page, with a fresh browser binding and the default lifetime. */
    public static LoginContext start(String clientId, URI redirectUri, String state, String nonce,
                                     String codeChallenge, String scope, Instant now) {
        Objects.requireNonNull(now, "now");
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope, Step.PASSWORD, null,
                null, List.of(), null, null, BrowserBinding.newValue(), now, now.plus(DEFAULT_LIFETIME), null);
    }

    /** The password was right: the user is known, {@code pwd} is in the amr, and the login goes on at {@code next}. */
    public LoginContext afterPassword(String username, Instant authTime, Step next) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(authTime, "authTime");
        if (next == Step.PASSWORD) {
            throw new IllegalArgumentException("after the password comes another step, not " + next);
        }
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope, next, username, authTime,
                withAmr(AuthenticatedUser.AMR_PASSWORD), challengeId, mobileToCapture, binding, issuedAt, expiresAt, null);
    }

    /** The same login, now waiting for the code of SMS OTP challenge {@code id} (null: none made yet). */
    public LoginContext withChallengeId(String id) {
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope, step, username, authTime,
                amr, id, mobileToCapture, binding, issuedAt, expiresAt, null);
    }

    /** The same login, capturing {@code e164} as the user's number (saved only once its code verifies). */
    public LoginContext withMobileToCapture(String e164) {
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope, step, username, authTime,
                amr, challengeId, Objects.requireNonNull(e164, "e164"), binding, issuedAt, expiresAt, null);
    }

    /** The same login moved on to {@code next} (past the password page only). */
    public LoginContext atStep(Step next) {
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope,
                Objects.requireNonNull(next, "next"), username, authTime, amr, challengeId, mobileToCapture, binding,
                issuedAt, expiresAt, null);
    }

    /** The same login with {@code method} (an RFC 8176 value) added to the amr, once. */
    public LoginContext withAmrAdded(String method) {
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope, step, username, authTime,
                withAmr(method), challengeId, mobileToCapture, binding, issuedAt, expiresAt, null);
    }

    /** The same context under the one-use id {@code id}. */
    public LoginContext withStepId(String id) {
        return new LoginContext(clientId, redirectUri, state, nonce, codeChallenge, scope, step, username, authTime,
                amr, challengeId, mobileToCapture, binding, issuedAt, expiresAt, Objects.requireNonNull(id, "id"));
    }

    /** True from {@code expiresAt} on. */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    private List<String> withAmr(String method) {
        Objects.requireNonNull(method, "method");
        List<String> more = new ArrayList<>(amr);
        if (!more.contains(method)) {
            more.add(method);
        }
        return more;
    }

    @Override
    public String toString() {
        // logs may hold this: the challenge id is a bearer handle and the number personal data,
        // and the binding is half of what proves the browser
        return "LoginContext[clientId=" + clientId + ", redirectUri=" + redirectUri + ", step=" + step
                + ", username=" + username + ", authTime=" + authTime + ", amr=" + amr
                + ", challengeId=" + mask(challengeId, 4) + ", mobileToCapture=" + mask(mobileToCapture, 4)
                + ", binding=" + (binding.isEmpty() ? "" : "***") + ", issuedAt=" + issuedAt
                + ", expiresAt=" + expiresAt + "]";
    }

    private static String mask(String value, int shown) {
        return value == null ? null : "***" + value.substring(Math.max(0, value.length() - shown));
    }
}
