package io.smsotp.auth.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format, at OWASP's minimum (19 MiB, 2 iterations, 1 lane).
 *
 * <p>Hashes made elsewhere are verified with the parameters they carry, as long as they are at
 * least as strong as one of OWASP's equivalent settings and not so costly that a config file
 * could stall the service.
 *
 * <p>The hash itself runs in libsodium where it loads (one lane, 16-byte salts: ours and Keycloak's),
 * else in libargon2, else in BouncyCastle's Java port; all give the same bytes ({@link Argon2Engine}).
 */
public final class PasswordHasher {

    public static final int MEMORY_KIB = 19 * 1024;
    public static final int ITERATIONS = 2;
    public static final int LANES = 1;
    /**
     * The most one verification may take, in KiB of memory and in KiB x passes: RFC 9106's second
     * recommended setting (64 MiB, 3 passes), above every OWASP setting. More would let one hash in
     * the config file take the heap of the embedded default (512 MiB) or seconds of CPU per login.
     */
    public static final int MAX_MEMORY_KIB = 64 * 1024;
    public static final long MAX_WORK_KIB = 3L * MAX_MEMORY_KIB;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,4}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();

    /** A fresh PHC string for {@code password} with a random salt. */
    public String hash(char[] password) {
        return hash(password, MEMORY_KIB, ITERATIONS, LANES);
    }

    /**
     * A fresh PHC string for {@code password} at other parameters, e.g. to write a users file whose
     * hashes cost what another system's do; {@link #verify} takes it as long as it is within bounds.
     */
    public String hash(char[] password, int memoryKib, int iterations, int lanes) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Phc phc = new Phc(memoryKib, iterations, lanes, salt, null);
        byte[] out = phc.derive(password, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + lanes + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Whether {@code password} matches {@code phcString}, compared in constant time. */
    public boolean verify(char[] password, String phcString) {
        Objects.requireNonNull(password, "password");
        Phc phc = parse(phcString);
        return MessageDigest.isEqual(phc.derive(password, phc.hash.length), phc.hash);
    }

    /** Checks a PHC string from outside (the config file); throws naming what is wrong, never echoing it. */
    public static void requireValid(String phcString) {
        parse(phcString);
    }

    private static Phc parse(String s) {
        Matcher m = PHC.matcher(Objects.requireNonNull(s, "passwordHash"));
        if (!m.matches()) {
            throw new IllegalArgumentException("passwordHash must be $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>"
                    + " in unpadded base64 (value not shown)");
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        // OWASP's equivalent settings run from m=7168,t=5 to m=47104,t=1: all cost about m*t >= 35840
        if (memory < 7168 || (long) memory * iterations < 35_840L || lanes < 1) {
            throw new IllegalArgumentException("passwordHash is weaker than OWASP's minimum for Argon2id"
                    + " (m=19456,t=2,p=1 or equivalent), was m=" + memory + ",t=" + iterations + ",p=" + lanes);
        }
        // a hash from config is verified on every login: bound the work one check can take
        if (memory > MAX_MEMORY_KIB || (long) memory * iterations > MAX_WORK_KIB || iterations > 16 || lanes > 16
                || memory < 8 * lanes) {
            throw new IllegalArgumentException("passwordHash parameters are out of range (m <= " + MAX_MEMORY_KIB
                    + " KiB, m*t <= " + MAX_WORK_KIB + ", t <= 16, p <= 16), was m=" + memory + ",t=" + iterations
                    + ",p=" + lanes);
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] hash = B64D.decode(m.group(5));
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("passwordHash needs a salt of at least 8 bytes and a hash of at least 16");
        }
        return new Phc(memory, iterations, lanes, salt, hash);
    }

    private record Phc(int memory, int iterations, int lanes, byte[] salt, byte[] hash) {
        byte[] derive(char[] password, int length) {
            byte[] utf8 = toUtf8(password);
            try {
                return Argon2Engine.chosen().derive(utf8, salt, memory, iterations, lanes, length);
            } finally {
                Arrays.fill(utf8, (byte) 0);
            }
        }

        private static byte[] toUtf8(char[] password) {
            var buf = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            if (buf.hasArray()) {
                Arrays.fill(buf.array(), (byte) 0);
            }
            return bytes;
        }

        @Override
        public String toString() {
            return "Phc[m=" + memory + ",t=" + iterations + ",p=" + lanes + "]";
        }
    }
}
