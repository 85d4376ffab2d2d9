package io.smsotp.auth.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * The CSRF token each login form carries: HMAC-SHA256 of the login context's browser binding,
 * under a key derived from the {@link LoginContextKey}, base64url. Nothing to store: every
 * instance computes the same token, and it dies with its login. A cross-site page cannot make
 * one, since it knows neither the binding (an HttpOnly cookie) nor the key.
 */
public final class CsrfTokens {

    /** The form field that carries the token. */
    public static final String FIELD_NAME = "csrf";

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final LoginContextKey key;

    public CsrfTokens(LoginContextKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The token for the forms of {@code context}. */
    public String issue(LoginContext context) {
        Objects.requireNonNull(context, "context");
        return BASE64URL.encodeToString(mac(context.binding()));
    }

    /** True only when {@code submitted} is the token of {@code context}; a missing or empty one is refused. */
    public boolean check(LoginContext context, String submitted) {
        Objects.requireNonNull(context, "context");
        if (submitted == null || submitted.isEmpty()) {
            return false;
        }
        // constant time: a byte-by-byte early exit would let a guesser learn the token a byte at a time
        return MessageDigest.isEqual(issue(context).getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] mac(String binding) {
        // the key is already for CSRF only (derived by its own label), so the binding alone is the message
        return LoginContextKey.hmac(key.csrfKey().getEncoded(), binding.getBytes(StandardCharsets.UTF_8));
    }
}
