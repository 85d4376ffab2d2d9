package io.smsotp.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for a string field of an event: {@code gcm1:} + base64(96-bit nonce, ciphertext,
 * 128-bit tag), a fresh nonce per seal, the caller's associated data binding the field to its
 * record. The sealing of {@link SmsCipher} and {@link CodeCipher}, written once. Thread-safe.
 */
final class AesGcm {

    /** Prefix of a sealed value: the format's version. */
    static final String PREFIX = "gcm1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    // Cipher.getInstance looks the provider up on every call, most of a seal's cost; a cipher is
    // reused on its thread, each use starting with init (a fresh nonce, or the sealed one to open)
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(AesGcm::newCipher);

    private final SecretKeySpec key;
    private final String what;
    private final String boundTo;
    private final String where;

    /**
     * @param keyMaterial at least 32 bytes; the AES key is their SHA-256, so any length of good randomness works
     * @param keyName names the key in the error for a short one
     * @param what names the sealed value in errors (never the value itself)
     * @param boundTo what the associated data ties a sealed value to, for the error when it does not open
     * @param where where a plaintext value is refused, for that error
     */
    AesGcm(byte[] keyMaterial, String keyName, String what, String boundTo, String where) {
        Objects.requireNonNull(keyMaterial, "keyMaterial");
        if (keyMaterial.length < 32) {
            throw new IllegalArgumentException("the " + keyName + " needs at least 32 bytes");
        }
        this.what = what;
        this.boundTo = boundTo;
        this.where = where;
        try {
            this.key = new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(keyMaterial), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    String seal(String plain, byte[] aad) {
        Objects.requireNonNull(plain, what);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = CIPHER.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
    }

    /**
     * @throws IllegalArgumentException when the value is not sealed, was changed, belongs to
     *     another record, or was sealed under another key (the message says which, never the value)
     */
    String open(String sealed, byte[] aad) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("the " + what + " is not sealed (plaintext on " + where
                    + " is refused)");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed " + what + " is not base64");
        }
        if (in.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("the sealed " + what + " is too short");
        }
        try {
            Cipher c = CIPHER.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(aad);
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed " + what + " does not open: another key, another "
                    + boundTo + ", or changed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to open", e);
        }
    }
}
