package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One change, as kept on {@code smsotp.audit} and shown by the admin API and the console: who made
 * it, when, what, and the target before and after with every secret masked.
 *
 * @param actor {@code admin:<username>} (console), {@code key:<first 8 hex of the key's hash>}
 *     (admin API key), {@code user:<username>} (account page) or {@code system} (the seed)
 * @param action e.g. {@code provider.create}, {@code app.rotateKey}, {@code user.unlock}
 * @param target the changed thing's key, e.g. {@code provider/twilio}, {@code user/alice}
 * @param before null when it was made by this change
 * @param after null when it was deleted by this change
 */
public record AuditRecord(String id, Instant at, String actor, String action, String target, JsonNode before,
                          JsonNode after) {
    public AuditRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
    }
}
