package io.smsotp.auth.self;

import io.smsotp.auth.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the sessions of smsotp's own pages, {@value #FILE_NAME} in the data dir (256 random
 * bits, made on first start): every instance that shares the data dir opens the cookies another
 * sealed, as with the login context key. Two keys are derived from it, each for one use: AES-GCM
 * for sealing, HMAC-SHA256 for CSRF tokens.
 */
public final class SessionKey {

    public static final String FILE_NAME = "self-session.key";

    private static final byte[] SEAL_LABEL = "smsotp self-session seal v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CSRF_LABEL = "smsotp self-session csrf v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey sealKey;
    private final byte[] csrfKey;

    SessionKey(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a session key needs at least 32 bytes");
        }
        this.sealKey = new SecretKeySpec(hmac(key, SEAL_LABEL), "AES");
        this.csrfKey = hmac(key, CSRF_LABEL);
    }

    /** The key in {@code dataDir}, made (owner-only, written whole) when there is none. */
    public static SessionKey loadOrCreate(Path dataDir) {
        return new SessionKey(SecretFiles.randomKey(dataDir, FILE_NAME, 32));
    }

    SecretKey sealKey() {
        return sealKey;
    }

    /** HMAC-SHA256 of {@code data} under the CSRF key. */
    byte[] csrfMac(byte[] data) {
        return hmac(csrfKey, data);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "SessionKey[" + FILE_NAME + "]";
    }
}
