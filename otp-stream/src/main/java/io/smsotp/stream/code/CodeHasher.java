package io.smsotp.stream.code;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash that stands for a code at rest: HMAC-SHA256 over {@code challengeId + ":" + code}.
 * Binding the challenge id means a hash copied from one challenge cannot approve another; the key
 * means a leaked store or changelog cannot be brute-forced over the small code space.
 *
 * <p>Not thread-safe ({@link Mac} is not): each stream task's processor holds its own.
 */
public final class CodeHasher {

    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;

    public CodeHasher(byte[] key) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("stream.codeHmacKey must hold at least 32 bytes");
        }
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM, e);
        }
    }

    /** The hash of {@code code} for {@code challengeId}, base64 as the store keeps it. */
    public String hash(String challengeId, String code) {
        return Base64.getEncoder().encodeToString(rawHash(challengeId, code));
    }

    /** Whether {@code code} is the one whose hash is {@code storedHash}, compared in constant time. */
    public boolean matches(String challengeId, String code, String storedHash) {
        if (code == null || storedHash == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(storedHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        // isEqual does not stop at the first differing byte: no timing oracle on the hash
        return MessageDigest.isEqual(expected, rawHash(challengeId, code));
    }

    private byte[] rawHash(String challengeId, String code) {
        return mac.doFinal((challengeId + ":" + code).getBytes(StandardCharsets.UTF_8));
    }
}
