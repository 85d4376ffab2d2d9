package io.smsotp.auth.admin;

import java.security.SecureRandom;
import java.util.Base64;

/** New application API keys and OIDC client secrets: 32 random bytes, base64url without padding. */
public final class AppSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AppSecrets() {
    }

    /** A new API key (43 characters). */
    public static String newApiKey() {
        return random();
    }

    /** A new OIDC client secret (43 characters). */
    public static String newClientSecret() {
        return random();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
