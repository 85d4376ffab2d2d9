package io.smsotp.events;

import java.nio.charset.StandardCharsets;

/**
 * Seals the code a user typed, in a {@link OtpCommand.VerifyCode}, for its trip through Kafka:
 * AES-256-GCM under a key from the configuration ({@code codeEncryptionKey}), a fresh 96-bit nonce
 * per command, and the challenge id as associated data, so a sealed code opens only in a verify of
 * the challenge it was typed for. auth-service seals; only otp-stream opens. Thread-safe.
 */
public final class CodeCipher {

    /** Prefix of a sealed code: the format's version. */
    public static final String PREFIX = AesGcm.PREFIX;
    /** Keeps a sealed code from opening as anything else, should one key ever be used twice. */
    private static final String PURPOSE = "smsotp/verify-code|";

    private final AesGcm gcm;

    /** @param keyMaterial at least 32 bytes; the AES key is their SHA-256 */
    public CodeCipher(byte[] keyMaterial) {
        this.gcm = new AesGcm(keyMaterial, "code encryption key", "typed code", "challenge", "otp.commands");
    }

    /** {@code plain} with its code sealed to its challenge. */
    public OtpCommand.VerifyCode seal(OtpCommand.VerifyCode plain) {
        return new OtpCommand.VerifyCode(plain.challengeId(), plain.appId(), gcm.seal(plain.code(), aad(plain)),
                plain.requestId(), plain.replyTo());
    }

    /**
     * The code typed for {@code sealed}'s challenge.
     *
     * @throws IllegalArgumentException when the code is not sealed, was changed, was sealed for
     *     another challenge, or under another key (the message says which, never the code)
     */
    public String open(OtpCommand.VerifyCode sealed) {
        return gcm.open(sealed.code(), aad(sealed));
    }

    private static byte[] aad(OtpCommand.VerifyCode cmd) {
        return (PURPOSE + cmd.challengeId()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CodeCipher[AES-256-GCM, key ***]";
    }
}
