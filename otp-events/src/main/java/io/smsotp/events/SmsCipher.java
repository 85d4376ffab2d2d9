package io.smsotp.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the text of an {@link SmsRequest} (it holds the code) for its trip through Kafka:
 * AES-256-GCM under a key from the configuration ({@code smsEncryptionKey}), a fresh 96-bit nonce
 * per message, and the message id and challenge id as associated data, so a sealed text opens
 * only in the request it was made for. otp-stream seals; only sms-dispatcher opens. Thread-safe.
 */
public final class SmsCipher {

    /** Prefix of a sealed text: the format's version. */
    static final String PREFIX = "gcm1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** @param keyMaterial at least 32 bytes; the AES key is their SHA-256, so any length of good randomness works */
    public SmsCipher(byte[] keyMaterial) {
        Objects.requireNonNull(keyMaterial, "keyMaterial");
        if (keyMaterial.length < 32) {
            throw new IllegalArgumentException("the SMS encryption key needs at least 32 bytes");
        }
        try {
            this.key = new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(keyMaterial), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code plain} with its text sealed. */
    public SmsRequest seal(SmsRequest plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(plain));
            byte[] sealed = c.doFinal(plain.text().getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return withText(plain, PREFIX + Base64.getEncoder().encodeToString(out));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
    }

    /**
     * {@code sealed} with its text opened.
     *
     * @throws IllegalArgumentException when the text is not sealed, was changed, belongs to
     *     another request, or was sealed under another key (the message says which, never the text)
     */
    public SmsRequest open(SmsRequest sealed) {
        String text = sealed.text();
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("the SMS text is not sealed (plaintext on the SMS topic is refused)");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed SMS text is not base64");
        }
        if (in.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("the sealed SMS text is too short");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(aad(sealed));
            byte[] plain = c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return withText(sealed, new String(plain, StandardCharsets.UTF_8));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed SMS text does not open: another key, another request, or changed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to open", e);
        }
    }

    private static byte[] aad(SmsRequest r) {
        return (r.messageId() + "|" + r.challengeId()).getBytes(StandardCharsets.UTF_8);
    }

    private static SmsRequest withText(SmsRequest r, String text) {
        return new SmsRequest(r.messageId(), r.challengeId(), r.appId(), r.to(), text, r.expiresAt());
    }

    @Override
    public String toString() {
        return "SmsCipher[AES-256-GCM, key ***]";
    }
}
