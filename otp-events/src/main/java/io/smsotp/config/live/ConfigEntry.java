package io.smsotp.config.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One live entry of the configuration, opened.
 *
 * @param version 1 when made, one more at each change: the admin API's {@code ETag}
 * @param position where a provider stands in the failover order (lowest first); 0 for other kinds
 * @param body the entry in the config file's field names
 */
public record ConfigEntry(ConfigKind kind, String id, long version, int position, Instant updatedAt,
                          String updatedBy, JsonNode body) {

    public ConfigEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
    }

    public String key() {
        return kind.key(id);
    }
}
