package io.smsotp.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a provider's answer body must show, after its status passed {@code successCodes}: some
 * providers (Vonage) answer 200 with an error inside. Any of the three may be set; all that are
 * set must hold.
 *
 * @param contains a substring the body must contain
 * @param regex a regular expression that must match somewhere in the body
 * @param jsonPointer an RFC 6901 pointer into the JSON body (e.g. {@code /messages/0/status}),
 *     whose value must equal {@code expected}
 * @param expected the JSON value at {@code jsonPointer}: a string, a number or a boolean, compared
 *     as JSON ({@code "0"} and {@code 0} differ)
 */
public record BodyCheck(String contains, String regex, String jsonPointer, Object expected) {
    public BodyCheck {
        if (contains == null && regex == null && jsonPointer == null) {
            throw new IllegalArgumentException("bodyCheck needs contains, regex or jsonPointer");
        }
        if (contains != null && contains.isEmpty()) {
            throw new IllegalArgumentException("bodyCheck.contains must not be empty");
        }
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bodyCheck.regex is not a regular expression: " + e.getDescription());
            }
        }
        if (jsonPointer != null && !jsonPointer.isEmpty() && !jsonPointer.startsWith("/")) {
            throw new IllegalArgumentException("bodyCheck.jsonPointer must be empty or start with /, was " + jsonPointer);
        }
        if ((jsonPointer == null) != (expected == null)) {
            throw new IllegalArgumentException("bodyCheck.jsonPointer and bodyCheck.expected go together");
        }
    }

    /** The value at {@code jsonPointer} must equal {@code expected}. */
    public static BodyCheck jsonEquals(String pointer, Object expected) {
        return new BodyCheck(null, null, pointer, expected);
    }

    /** The body must contain {@code text}. */
    public static BodyCheck containing(String text) {
        return new BodyCheck(text, null, null, null);
    }
}
