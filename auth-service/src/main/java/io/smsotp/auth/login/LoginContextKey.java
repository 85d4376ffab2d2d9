package io.smsotp.auth.login;

import io.smsotp.auth.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit AES key that encrypts login contexts, kept base64-encoded in {@value #FILE_NAME}
 * in the data dir: made on first start, reused after, so a login begun before a restart can
 * still continue.
 *
 * <p>Every auth-service instance behind one load balancer must share the same file (copy it, or
 * put the data dir on shared storage): a browser's next request may reach any instance, and an
 * instance with another key refuses the login context, which sends the user back to the start.
 * Anyone who holds the file can read and forge login contexts, so it is readable by its owner
 * only, like the other keys in the data dir.
 */
public final class LoginContextKey {

    public static final String FILE_NAME = "login-context.key";

    static final int KEY_BYTES = 32;

    // separates the CSRF key from the encryption key: a MAC never leaks anything about the AES key
    private static final byte[] CSRF_LABEL = "smsotp login-context csrf v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey encryptionKey;
    private final SecretKey csrfKey;

    private LoginContextKey(byte[] key) {
        this.encryptionKey = new SecretKeySpec(key, "AES");
        this.csrfKey = new SecretKeySpec(hmac(key, CSRF_LABEL), "HmacSHA256");
    }

    /** The key in {@code dataDir}, made (file mode 0600, written whole) when there is none. */
    public static LoginContextKey loadOrCreate(Path dataDir) {
        return new LoginContextKey(SecretFiles.randomKey(dataDir, FILE_NAME, KEY_BYTES));
    }

    /** The AES key for JWE {@code dir} + {@code A256GCM}. */
    SecretKey encryptionKey() {
        return encryptionKey;
    }

    /** The HMAC-SHA256 key for CSRF tokens, derived from the file's key. */
    SecretKey csrfKey() {
        return csrfKey;
    }

    @Override
    public String toString() {
        return "LoginContextKey[" + FILE_NAME + "]";
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
}
