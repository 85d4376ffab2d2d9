package io.smsotp.auth.challenge;

import io.smsotp.events.ChallengePlacement;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Unguessable challenge ids: 128 random bits, base64url without padding (22 characters). */
public final class ChallengeIds {

    /** What an id may look like; longer ids leave room for a later format without breaking old clients. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{22,64}");

    private final SecureRandom random = new SecureRandom();

    /** A fresh id, placed nowhere in particular: a challenge's comes from {@link ChallengeCommands#newChallengeId}. */
    public String next() {
        return ChallengePlacement.randomId(random);
    }

    /** Whether {@code id} can be an id at all; anything else is answered 404 without asking the writer. */
    public static boolean isWellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
