package io.smsotp.auth.self;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.smsotp.events.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals a small record as a token a browser may carry but neither read nor change: JSON under
 * AES-256-GCM, a fresh 96-bit nonce each time, base64url. The associated data is the token's
 * purpose (e.g. the cookie's name), so a token sealed for one use never opens as another.
 * Thread-safe.
 */
public final class Sealer {

    /** Far above any token sealed here (well under 1 KiB); a longer one is refused unread. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionKey key;

    public Sealer(SessionKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** {@code value} sealed for {@code purpose}. */
    public String seal(Object value, String purpose) {
        Objects.requireNonNull(value, "value");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, purpose);
            byte[] sealed = c.doFinal(Json.MAPPER.writeValueAsBytes(value));
            return ENCODER.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed)
                    .array());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * The {@code type} in {@code token}, or empty when the token is missing, too long, not
     * base64url in its one canonical form, changed, sealed under another key or for another
     * purpose, or not a {@code type}. Never throws for a bad token; never logs it.
     */
    public <T> Optional<T> open(String token, String purpose, Class<T> type) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH || !BASE64URL.matcher(token).matches()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(token);
            if (bytes.length <= NONCE_BYTES || !ENCODER.encodeToString(bytes).equals(token)) {
                // a lenient decoder ignores a last character's spare bits: only the one spelling opens
                return Optional.empty();
            }
            Cipher c = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(bytes, NONCE_BYTES), purpose);
            byte[] plain = c.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return Optional.ofNullable(Json.MAPPER.readValue(plain, type));
        } catch (Exception e) {
            // a bad tag, bad base64, JSON of another shape, a record that refuses its values: all "not ours"
            return Optional.empty();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String purpose) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key.sealKey(), new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(("smsotp self v1\u0000" + Objects.requireNonNull(purpose, "purpose"))
                .getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
