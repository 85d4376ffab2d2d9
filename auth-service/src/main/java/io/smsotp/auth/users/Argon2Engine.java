package io.smsotp.auth.users;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import java.security.MessageDigest;
import java.util.Locale;
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
 * Argon2id (version 0x13) itself, two ways that give the same bytes: the reference C library
 * (libargon2, which argon2-jvm carries for the common platforms and calls through JNA) and
 * BouncyCastle's Java port. The C library takes less CPU, and the same in every JVM, where the
 * Java port runs at one of two speeds per JVM (docs/benchmarks.md, "libargon2").
 *
 * <p>{@link #chosen()} is the native one where the library loads and gives the Java port's bytes
 * for a small known input, the Java port otherwise (with a warning in the log). The system property
 * {@code smsotp.argon2} ({@code native} or {@code java}) forces one; forcing {@code native} where
 * it cannot run stops the service at start instead of falling back.
 */
enum Argon2Engine {

    NATIVE {
        @Override
        byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
            Future<byte[]> hash = Libargon2.THREADS.submit(
                    () -> Libargon2.ARGON2ID.pbkdf(iterations, memoryKib, lanes, password, salt, length));
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
                throw new IllegalStateException("libargon2 failed", e.getCause());
            }
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
     * Loaded on first use; a library that does not load fails that use with a {@link LinkageError}.
     *
     * <p>The hashes run on one thread per core, not on the callers' threads: libargon2 takes its m
     * KiB from malloc, and glibc keeps a freed block that large in the arena of the thread that freed
     * it, one arena per thread up to 8 per core. Hashed on Jetty's threads, a block would stay
     * resident in each of up to 16 arenas on 2 cores; on threads of their own, the native memory
     * stays about cores x m.
     */
    private static final class Libargon2 {
        static final Argon2Advanced ARGON2ID = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
        private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
        static final ExecutorService THREADS = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "argon2-" + THREAD_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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

    static Argon2Engine choose(String wanted) {
        String w = wanted == null || wanted.isBlank() ? "" : wanted.trim().toLowerCase(Locale.ROOT);
        switch (w) {
            case "java":
                log.info("Argon2id: BouncyCastle's Java port ({}=java)", PROPERTY);
                return JAVA;
            case "native":
            case "":
                break;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be native or java, was " + wanted);
        }
        String problem = nativeProblem();
        if (problem == null) {
            log.info("Argon2id: libargon2 through argon2-jvm");
            return NATIVE;
        }
        if (w.equals("native")) {
            throw new IllegalStateException(PROPERTY + "=native, but libargon2 cannot be used here: " + problem);
        }
        log.warn("Argon2id: BouncyCastle's Java port, since libargon2 cannot be used here ({}); set {}=java to choose"
                + " it without this warning", problem, PROPERTY);
        return JAVA;
    }

    /** Why the native engine cannot be used here, or null when it loads and agrees with the Java port. */
    private static String nativeProblem() {
        byte[] password = {'s', 'm', 's', 'o', 't', 'p'};
        byte[] salt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        try {
            byte[] fromC = NATIVE.derive(password, salt, 64, 2, 2, 32);
            byte[] fromJava = JAVA.derive(password, salt, 64, 2, 2, 32);
            return MessageDigest.isEqual(fromC, fromJava) ? null : "its output differs from the Java port's";
        } catch (LinkageError | RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
