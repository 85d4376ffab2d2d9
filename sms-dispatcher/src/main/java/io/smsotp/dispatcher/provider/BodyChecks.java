package io.smsotp.dispatcher.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.BodyCheck;
import io.smsotp.events.Json;
import java.util.regex.Pattern;

/** Applies a provider's {@link BodyCheck} to its answer body. */
final class BodyChecks {

    private BodyChecks() {
    }

    /** Why {@code body} fails {@code check}, or null when it passes (or there is no check). Never quotes the body. */
    static String failure(BodyCheck check, String body) {
        if (check == null) {
            return null;
        }
        String b = body == null ? "" : body;
        if (check.contains() != null && !b.contains(check.contains())) {
            return "the answer does not contain the expected text";
        }
        if (check.regex() != null && !Pattern.compile(check.regex()).matcher(b).find()) {
            return "the answer does not match bodyCheck.regex";
        }
        if (check.jsonPointer() != null) {
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(b);
            } catch (Exception e) {
                return "the answer is not JSON";
            }
            JsonNode actual = root == null ? null : root.at(check.jsonPointer());
            if (actual == null || actual.isMissingNode()) {
                return "the answer has nothing at " + check.jsonPointer();
            }
            if (!sameValue(actual, Json.MAPPER.valueToTree(check.expected()))) {
                // the value is the provider's status code, not the message: safe to name
                return "the answer has " + abbreviate(actual.toString()) + " at " + check.jsonPointer();
            }
        }
        return null;
    }

    private static boolean sameValue(JsonNode actual, JsonNode expected) {
        if (actual.isNumber() && expected.isNumber()) {
            return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        return actual.equals(expected);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
