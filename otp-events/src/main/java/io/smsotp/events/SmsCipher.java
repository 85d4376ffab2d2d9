package io.smsotp.events;

import java.nio.charset.StandardCharsets;

/**
 * Seals the text of an {@link SmsRequest} (it holds the code) for its trip through Kafka:
 * AES-256-GCM under a key from the configuration ({@code smsEncryptionKey}), a fresh 96-bit nonce
 * per message, and the message id and challenge id as associated data, so a sealed text opens
 * only in the request it was made for. otp-stream seals; only sms-dispatcher opens. Thread-safe.
 */
public final class SmsCipher {

    /** Prefix of a sealed text: the format's version. */
    static final String PREFIX = AesGcm.PREFIX;

    private final AesGcm gcm;

    /** @param keyMaterial at least 32 bytes; the AES key is their SHA-256, so any length of good randomness works */
    public SmsCipher(byte[] keyMaterial) {
        this.gcm = new AesGcm(keyMaterial, "SMS encryption key", "SMS text", "request", "the SMS topic");
    }

    /** {@code plain} with its text sealed. */
    public SmsRequest seal(SmsRequest plain) {
        return withText(plain, gcm.seal(plain.text(), aad(plain)));
    }

    /**
     * {@code sealed} with its text opened.
     *
     * @throws IllegalArgumentException when the text is not sealed, was changed, belongs to
     *     another request, or was sealed under another key (the message says which, never the text)
     */
    public SmsRequest open(SmsRequest sealed) {
        return withText(sealed, gcm.open(sealed.text(), aad(sealed)));
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
