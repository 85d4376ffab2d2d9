package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.config.live.ConfigKind;
import java.util.List;

/**
 * What of an entry may be shown (audit log, admin API answers): every value that can hold a
 * credential replaced by {@code ***}. Provider header values and credentials, an app's API key
 * (kept only as a hash, masked all the same) and client secret, retired key hashes.
 */
public final class SecretMask {

    public static final String MASK = "***";

    private SecretMask() {
    }

    /** A masked copy of {@code body}, an entry of {@code kind}; null stays null. */
    public static JsonNode mask(ConfigKind kind, JsonNode body) {
        if (body == null || !body.isObject()) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        switch (kind) {
            case PROVIDER -> {
                maskValues(copy, "headers");
                maskValues(copy, "credentials");
            }
            case APP -> {
                for (String field : List.of("apiKey", "clientSecret")) {
                    if (copy.hasNonNull(field)) {
                        copy.put(field, MASK);
                    }
                }
                if (copy.has("retiredApiKeys")) {
                    copy.put("retiredApiKeys", copy.get("retiredApiKeys").size());
                }
            }
            default -> { }
        }
        return copy;
    }

    private static void maskValues(ObjectNode node, String field) {
        JsonNode map = node.get(field);
        if (map instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(name -> o.put(name, MASK));
        }
    }
}
