package io.smsotp.auth.challenge;

import io.smsotp.auth.http.ApiException;
import java.util.regex.Pattern;

/**
 * The shape of a code a user may type: 4 to 10 digits, or letters and digits for an alphanumeric
 * policy (upper-cased here: people type what they read in either case). A malformed code is a 400
 * and reaches no writer, so it uses no attempt.
 */
public final class CodeFormat {

    private static final Pattern SHAPE = Pattern.compile("[0-9A-Z]{4,10}");

    private CodeFormat() {
    }

    /** {@code code}, or a 400 that says what is wrong (never echoing the code). */
    public static String check(String code) {
        String normalized = code.strip().toUpperCase(java.util.Locale.ROOT);
        if (!SHAPE.matcher(normalized).matches()) {
            throw ApiException.badRequest("invalid_code", "'code' must be 4 to 10 digits or letters");
        }
        return normalized;
    }
}
