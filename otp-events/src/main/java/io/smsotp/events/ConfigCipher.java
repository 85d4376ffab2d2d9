package io.smsotp.events;

import java.nio.charset.StandardCharsets;

/**
 * Seals the body of an entry of {@code smsotp.config} (provider tokens, client secrets) for its
 * life in Kafka: AES-256-GCM under {@code configEncryptionKey}, a fresh 96-bit nonce per write,
 * and the entry's key as associated data, so a sealed body opens only under the key it was written
 * for (a body copied onto another provider or app does not open). auth-service seals; every
 * service opens. Thread-safe.
 */
public final class ConfigCipher {

    private final AesGcm gcm;

    /** @param keyMaterial at least 32 bytes; the AES key is their SHA-256 */
    public ConfigCipher(byte[] keyMaterial) {
        this.gcm = new AesGcm(keyMaterial, "config encryption key", "config entry", "entry", "the config topic");
    }

    /** {@code json} sealed for the entry {@code key}. */
    public String seal(String key, String json) {
        return gcm.seal(json, key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The JSON sealed for {@code key}.
     *
     * @throws IllegalArgumentException when it is not sealed, was changed, belongs to another entry
     *     or was sealed under another key
     */
    public String open(String key, String sealed) {
        return gcm.open(sealed, key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ConfigCipher[AES-256-GCM, key ***]";
    }
}
