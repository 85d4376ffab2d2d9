package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An entry of the live configuration as the admin API and the console show it.
 *
 * @param body the entry in the config file's field names, every secret masked
 * @param version the entry's version: the {@code ETag}, and what {@code If-Match} names
 */
public record Versioned(JsonNode body, long version) {
    public Versioned {
        Objects.requireNonNull(body, "body");
    }
}
