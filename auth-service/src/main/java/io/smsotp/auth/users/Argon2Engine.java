package io.smsotp.auth.users;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.NativeLong;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id (version 0x13) itself, three ways that give the same bytes: libsodium (its vectorised
 * code: the system's library where there is one, else the one lazysodium carries), the reference C
 * library (libargon2, which argon2-jvm carries for the common platforms) and BouncyCastle's Java
 * port. At Keycloak's parameters (m=7168, t=5, p=1) a hash took 7.8-10.4 ms of CPU in Debian's
 * libsodium, 10.4-13.3 ms in lazysodium's, 20.1-26.7 ms in libargon2 and about 30 or 95 ms in the
 * Java port (docs/benchmarks.md, "Seventh round", two runs of each).
 *
 * <p>libsodium computes only one lane with a 16-byte salt and at least 16 bytes of output: every
 * hash this service makes, and Keycloak's. A hash with other parameters (a users file may carry
 * them) goes to libargon2, or to the Java port where libargon2 cannot be used.
 *
 * <p>{@link #chosen()} is the fastest engine that loads here and gives the Java port's bytes for
 * a small known input; the Java port with a warning in the log when no native one does. The system
 * property {@code smsotp.argon2} ({@code libsodium}, {@code libargon2}, its older name {@code
 * native}, or {@code java}) forces one; forcing a native one where it cannot run stops the service
 * at start instead of falling back.
 */
enum Argon2Engine {

    SODIUM {
        @Override
        byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
            if (!Libsodium.computes(salt, memoryKib, iterations, lanes, length)) {
                return beside().derive(password, salt, memoryKib, iterations, lanes, length);
            }
            return onHashingThread(() -> Libsodium.argon2id(password, salt, memoryKib, iterations, length), "libsodium");
        }
    },

    NATIVE {
        @Override
        byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
            return onHashingThread(
                    () -> Libargon2.ARGON2ID.pbkdf(iterations, memoryKib, lanes, password, salt, length), "libargon2");
        }
    },

    JAVA {
        @Override
        byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes)
                    .withSalt(salt).build());
            byte[] out = new byte[length];
            gen.generateBytes(password, out);
            return out;
        }
    };

    /**
     * Runs a native hash on one of the hashing threads, one per core, not on the caller's thread:
     * libargon2 takes its m KiB from malloc, and glibc keeps a freed block that large in the arena of
     * the thread that freed it, one arena per thread up to 8 per core. Hashed on Jetty's threads, a
     * block would stay resident in each of up to 16 arenas on 2 cores; on threads of their own, the
     * native memory stays about cores x m. (libsodium maps its memory for each hash and unmaps it
     * after; the threads bound how many run at once all the same.)
     */
    private static byte[] onHashingThread(Callable<byte[]> hashing, String library) {
        Future<byte[]> hash = HashingThreads.POOL.submit(hashing);
        try {
            return hash.get();
        } catch (InterruptedException e) {
            hash.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing a password", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(library + " failed", e.getCause());
        }
    }

    private static final class HashingThreads {
        private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
        static final ExecutorService POOL = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "argon2-" + THREAD_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Loaded on first use; a library that does not load fails that use with a {@link LinkageError}. */
    private static final class Libargon2 {
        static final Argon2Advanced ARGON2ID = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
    }

    /**
     * libsodium's {@code crypto_pwhash} with {@code crypto_pwhash_ALG_ARGON2ID13}, through lazysodium:
     * the system's library where it loads (Debian's is built for every x86-64 vector unit and picks
     * one at run time), else the one lazysodium carries. Loaded on first use; a library that loads
     * neither way fails that use with a {@link LinkageError}.
     */
    private static final class Libsodium {
        private static final int ALG_ARGON2ID13 = 2;
        private static final int SALT_BYTES = 16;
        private static final int MIN_OUTPUT_BYTES = 16;
        private static final int MIN_MEMORY_KIB = 8;

        static final String WHICH;
        private static final SodiumJava SODIUM;

        static {
            SodiumJava loaded;
            String which;
            try {
                loaded = new SodiumJava(LibraryLoader.Mode.SYSTEM_ONLY);
                which = "the system's libsodium";
            } catch (LinkageError | RuntimeException notOnTheSystem) {
                loaded = new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY);
                which = "the libsodium lazysodium carries";
            }
            if (loaded.sodium_init() < 0) {
                throw new UnsatisfiedLinkError("sodium_init failed in " + which);
            }
            SODIUM = loaded;
            WHICH = which;
        }

        /** Whether libsodium computes Argon2id at these parameters (it has one lane and a fixed salt length). */
        static boolean computes(byte[] salt, int memoryKib, int iterations, int lanes, int length) {
            return lanes == 1 && salt.length == SALT_BYTES && length >= MIN_OUTPUT_BYTES
                    && memoryKib >= MIN_MEMORY_KIB && iterations >= 1;
        }

        static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int length) {
            byte[] out = new byte[length];
            int rc = SODIUM.crypto_pwhash(out, length, password, password.length, salt, iterations,
                    new NativeLong(memoryKib * 1024L), ALG_ARGON2ID13);
            if (rc != 0) {
                // crypto_pwhash fails only when it cannot map the memory (its limits are checked above)
                throw new IllegalStateException("libsodium's crypto_pwhash failed (" + rc + ") at m=" + memoryKib
                        + ",t=" + iterations);
            }
            return out;
        }
    }

    static final String PROPERTY = "smsotp.argon2";
    private static final Logger log = LoggerFactory.getLogger(Argon2Engine.class);
    private static final Argon2Engine CHOSEN = choose(System.getProperty(PROPERTY));

    /** Argon2id of {@code password} (its bytes, not wiped here) with these parameters. */
    abstract byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length);

    /** The engine this JVM hashes with. */
    static Argon2Engine chosen() {
        return CHOSEN;
    }

    /** Whether {@link #SODIUM} computes a hash at these parameters itself rather than handing it to {@link #beside()}. */
    static boolean inLibsodium(int saltBytes, int memoryKib, int iterations, int lanes, int length) {
        return Libsodium.computes(new byte[saltBytes], memoryKib, iterations, lanes, length);
    }

    /** What libsodium hands the hashes it does not compute to: libargon2, else the Java port. */
    static Argon2Engine beside() {
        return Beside.ENGINE;
    }

    private static final class Beside {
        static final Argon2Engine ENGINE = problem(NATIVE) == null ? NATIVE : JAVA;
    }

    static Argon2Engine choose(String wanted) {
        String w = wanted == null || wanted.isBlank() ? "" : wanted.trim().toLowerCase(Locale.ROOT);
        switch (w) {
            case "java":
                log.info("Argon2id: BouncyCastle's Java port ({}=java)", PROPERTY);
                return JAVA;
            case "libsodium":
                return forced(SODIUM, w);
            case "libargon2":
            case "native":
                return forced(NATIVE, w);
            case "":
                break;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be libsodium, libargon2 (or native) or java, was " + wanted);
        }
        String sodium = problem(SODIUM);
        if (sodium == null) {
            log.info("Argon2id: {} through lazysodium (other hashes than one lane with a 16-byte salt: {})",
                    Libsodium.WHICH, beside() == NATIVE ? "libargon2" : "BouncyCastle's Java port");
            return SODIUM;
        }
        String argon2 = problem(NATIVE);
        if (argon2 == null) {
            log.warn("Argon2id: libargon2 through argon2-jvm, since libsodium cannot be used here ({})", sodium);
            return NATIVE;
        }
        log.warn("Argon2id: BouncyCastle's Java port, since neither libsodium ({}) nor libargon2 ({}) can be used here;"
                + " set {}=java to choose it without this warning", sodium, argon2, PROPERTY);
        return JAVA;
    }

    private static Argon2Engine forced(Argon2Engine engine, String name) {
        String problem = problem(engine);
        if (problem != null) {
            throw new IllegalStateException(PROPERTY + "=" + name + ", but it cannot be used here: " + problem);
        }
        log.info("Argon2id: {} ({}={})", engine == SODIUM ? Libsodium.WHICH : "libargon2 through argon2-jvm", PROPERTY, name);
        return engine;
    }

    /** Why a native engine cannot be used here, or null when it loads and agrees with the Java port. */
    private static String problem(Argon2Engine engine) {
        byte[] password = {'s', 'm', 's', 'o', 't', 'p'};
        byte[] salt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        // one lane for libsodium (it computes nothing else), two for libargon2
        int lanes = engine == SODIUM ? 1 : 2;
        try {
            byte[] fromC = engine.derive(password, salt, 64, 2, lanes, 32);
            byte[] fromJava = JAVA.derive(password, salt, 64, 2, lanes, 32);
            return MessageDigest.isEqual(fromC, fromJava) ? null : "its output differs from the Java port's";
        } catch (LinkageError | RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
