package io.smsotp.auth.challenge;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Unguessable challenge ids: 128 random bits, base64url without padding (22 characters). */
public final class ChallengeIds {

    static final int RANDOM_BYTES = 16;

    /** What an id may look like; longer ids leave room for a later format without breaking old clients. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{22,64}");

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();

    /** A fresh id. */
    public String next() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Whether {@code id} can be an id at all; anything else is answered 404 without asking the writer. */
    public static boolean isWellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
