package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.http.ApiException;

/** What the admin services do to a request body before the config file's rules judge it. */
final class AdminBodies {

    private AdminBodies() {
    }

    /** A copy of {@code body}, which must be a JSON object, to change freely. */
    static ObjectNode copy(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("malformed_json", "the body must be a JSON object");
        }
        return body.deepCopy();
    }

    /**
     * Puts the path's id in {@code field} when the body has none; a body naming another is a 400:
     * an entry is renamed by creating the new one and deleting the old.
     */
    static void requireId(ObjectNode body, String field, String pathId) {
        JsonNode given = body.get(field);
        if (given == null || given.isNull()) {
            body.put(field, pathId);
        } else if (!given.isTextual() || !given.textValue().equals(pathId)) {
            throw invalid(field + ": must be '" + pathId + "', as in the path (to rename, create the new one and delete"
                    + " the old)");
        }
    }

    /**
     * Each value {@code ***} in the map {@code field} (headers, credentials) replaced by the current
     * entry's value of the same name: what a masked answer sent back means.
     */
    static void keepMaskedValues(ObjectNode body, JsonNode current, String field) {
        if (!(body.get(field) instanceof ObjectNode map)) {
            return;
        }
        map.fieldNames().forEachRemaining(name -> {
            if (isMask(map.get(name))) {
                JsonNode was = current == null ? null : current.path(field).get(name);
                if (was == null || !was.isTextual()) {
                    throw invalid(field + "." + name + ": \"" + SecretMask.MASK
                            + "\" keeps the current value, but there is none: give the value");
                }
                map.set(name, was);
            }
        });
    }

    /**
     * A secret the server makes ({@code apiKey}, {@code clientSecret}) in a replacing body:
     * {@code ***} keeps {@code current}; left out removes it; any other value is a 400 that names
     * the operation that makes a new one.
     */
    static void keepServerSecret(ObjectNode body, String field, String current, String rotation) {
        JsonNode given = body.get(field);
        if (given == null || given.isNull()) {
            body.remove(field);
        } else if (!isMask(given)) {
            throw invalid(field + ": made by the server, never given: send \"" + SecretMask.MASK + "\" to keep it or"
                    + " POST " + rotation + " for a new one");
        } else if (current == null) {
            throw invalid(field + ": \"" + SecretMask.MASK + "\" keeps the current value, but there is none");
        } else {
            body.put(field, current);
        }
    }

    static boolean isMask(JsonNode value) {
        return value != null && value.isTextual() && value.textValue().equals(SecretMask.MASK);
    }

    static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_field", message);
    }
}
