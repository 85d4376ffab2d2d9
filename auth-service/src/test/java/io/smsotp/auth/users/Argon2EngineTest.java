package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Argon2EngineTest {

    @Test
    void libsodiumLoadsHereAndIsTheOneChosenWithLibargon2Beside() {
        // the machines this project builds and runs on (Linux x86-64, glibc) have libsodium (the system's or
        // lazysodium's) and a bundled libargon2: if either stopped loading, logins would silently cost 2-10x
        // more CPU
        assertThat(Argon2Engine.chosen()).isEqualTo(Argon2Engine.SODIUM);
        assertThat(Argon2Engine.choose(null)).isEqualTo(Argon2Engine.SODIUM);
        assertThat(Argon2Engine.choose("libsodium")).isEqualTo(Argon2Engine.SODIUM);
        assertThat(Argon2Engine.beside()).isEqualTo(Argon2Engine.NATIVE);
        assertThat(Argon2Engine.choose("libargon2")).isEqualTo(Argon2Engine.NATIVE);
        assertThat(Argon2Engine.choose(" Native ")).isEqualTo(Argon2Engine.NATIVE);
    }

    @Test
    void libsodiumComputesOurHashesAndKeycloaksAndHandsTheRestOn() {
        assertThat(Argon2Engine.inLibsodium(16, PasswordHasher.MEMORY_KIB, PasswordHasher.ITERATIONS,
                PasswordHasher.LANES, 32)).isTrue();
        assertThat(Argon2Engine.inLibsodium(16, 7168, 5, 1, 32)).as("Keycloak's").isTrue();
        assertThat(Argon2Engine.inLibsodium(16, 8192, 3, 2, 32)).as("two lanes").isFalse();
        assertThat(Argon2Engine.inLibsodium(8, 7168, 5, 1, 32)).as("an 8-byte salt").isFalse();
        assertThat(Argon2Engine.inLibsodium(32, 7168, 5, 1, 32)).as("a 32-byte salt").isFalse();
        assertThat(Argon2Engine.inLibsodium(16, 7168, 5, 1, 15)).as("15 bytes out").isFalse();
    }

    @Test
    void everyEngineGivesTheSameBytesSoAnyVerifiesTheOthersHashes() {
        Random random = new Random(12);
        int[][] parameters = {{7168, 5, 1}, {19456, 2, 1}, {8192, 3, 2}, {64, 1, 4}, {8, 1, 1}};
        String[] passwords = {"", "pw", "pässwörd €", "a rather long passphrase ".repeat(20)};
        int inLibsodium = 0;
        for (int[] p : parameters) {
            for (String password : passwords) {
                // half the salts at libsodium's 16 bytes, the rest anywhere from 8 to 47
                byte[] salt = new byte[random.nextBoolean() ? 16 : 8 + random.nextInt(40)];
                random.nextBytes(salt);
                int length = 16 + random.nextInt(48);
                byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
                byte[] fromJava = Argon2Engine.JAVA.derive(utf8, salt, p[0], p[1], p[2], length);
                String as = String.format("m=%d,t=%d,p=%d, %d-byte salt, %d chars", p[0], p[1], p[2], salt.length,
                        password.length());
                assertThat(Argon2Engine.NATIVE.derive(utf8, salt, p[0], p[1], p[2], length)).as("libargon2, " + as)
                        .hasSize(length).isEqualTo(fromJava);
                assertThat(Argon2Engine.SODIUM.derive(utf8, salt, p[0], p[1], p[2], length)).as("libsodium, " + as)
                        .hasSize(length).isEqualTo(fromJava);
                if (Argon2Engine.inLibsodium(salt.length, p[0], p[1], p[2], length)) {
                    inLibsodium++;
                }
            }
        }
        // both kinds were compared: some in libsodium itself, some handed on
        assertThat(inLibsodium).isBetween(3, 4 * 5 - 3);
    }

    @Test
    void nativeHashesRunOnAtMostOneThreadPerCoreWhoeverAsksForThem() throws Exception {
        // libargon2's memory stays in the malloc arena of the thread that hashed: few threads, bounded memory
        int callers = 8;
        ExecutorService many = Executors.newFixedThreadPool(callers);
        try {
            List<Future<byte[]>> hashes = new ArrayList<>();
            for (int i = 0; i < callers * 2; i++) {
                Argon2Engine engine = i % 2 == 0 ? Argon2Engine.SODIUM : Argon2Engine.NATIVE;
                hashes.add(many.submit(() -> engine.derive(new byte[] {1}, new byte[16], 1024, 2, 1, 32)));
            }
            for (Future<byte[]> hash : hashes) {
                assertThat(hash.get(30, TimeUnit.SECONDS)).hasSize(32);
            }
        } finally {
            many.shutdownNow();
        }
        long hashingThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("argon2-")).count();
        assertThat(hashingThreads).isBetween(1L, (long) Runtime.getRuntime().availableProcessors());
    }

    @Test
    void theJavaPortCanBeForcedAndAnythingElseIsRefusedByName() {
        assertThat(Argon2Engine.choose(" Java ")).isEqualTo(Argon2Engine.JAVA);
        assertThatThrownBy(() -> Argon2Engine.choose("fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smsotp.argon2").hasMessageContaining("libsodium, libargon2 (or native) or java");
    }
}
