package io.smsotp.config.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.events.ConfigCipher;
import io.smsotp.events.Json;
import java.util.Objects;

/** Turns entries into the values of {@code smsotp.config} and back: the body sealed, the rest in the clear. */
public final class ConfigCodec {

    private final ConfigCipher cipher;

    public ConfigCodec(ConfigCipher cipher) {
        this.cipher = Objects.requireNonNull(cipher, "cipher: configEncryptionKey is required for the live configuration");
    }

    /** The record value of {@code entry}. */
    public String encode(ConfigEntry entry) {
        try {
            String body = Json.MAPPER.writeValueAsString(entry.body());
            return Json.MAPPER.writeValueAsString(new StoredEntry(entry.version(), entry.position(),
                    entry.updatedAt(), entry.updatedBy(), cipher.seal(entry.key(), body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config entry " + entry.key(), e);
        }
    }

    /**
     * The entry a record holds.
     *
     * @throws IllegalArgumentException when the key names no kind, the value is not an entry, or
     *     its body does not open under this key (the message never holds the body)
     */
    public ConfigEntry decode(String key, String value) {
        ConfigKind kind = ConfigKind.ofKey(key).orElseThrow(() ->
                new IllegalArgumentException("config key '" + key + "' names no kind of entry"));
        StoredEntry stored;
        JsonNode body;
        try {
            stored = Json.MAPPER.readValue(value, StoredEntry.class);
            body = Json.MAPPER.readTree(cipher.open(key, stored.sealed()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config entry " + key + " is not readable: " + e.getOriginalMessage());
        }
        return new ConfigEntry(kind, ConfigKind.idOf(key), stored.version(), stored.position(), stored.updatedAt(),
                stored.updatedBy(), body);
    }
}
