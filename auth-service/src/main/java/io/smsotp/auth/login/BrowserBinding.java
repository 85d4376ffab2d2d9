package io.smsotp.auth.login;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * The value that ties a login context to one browser. The context records it, and it also goes
 * in a cookie of its own ({@value #COOKIE_NAME}); {@link LoginContextSealer#open} wants both to
 * match, so a context token lifted from one browser (a log, a shared link, a proxy) is refused
 * in another.
 */
public final class BrowserBinding {

    public static final String COOKIE_NAME = "smsotp_login_binding";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private BrowserBinding() {
    }

    /** A fresh binding: 32 random bytes, base64url, so it is safe in a cookie as it is. */
    public static String newValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * The {@code Set-Cookie} header value for {@code binding}. HttpOnly: scripts never need it.
     * SameSite=Lax: the browser still sends it on the top-level GET from the client's redirect
     * to the login page, but not on a cross-site POST. Secure when the page is served over
     * https; a plain-http dev setup would otherwise never get the cookie back.
     */
    public static String setCookieHeader(String binding, boolean https, Duration maxAge) {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(maxAge, "maxAge");
        return COOKIE_NAME + "=" + binding + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Lax"
                + (https ? "; Secure" : "");
    }
}
