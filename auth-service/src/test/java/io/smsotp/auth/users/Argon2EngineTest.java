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
    void theNativeLibraryLoadsHereAndIsTheOneChosen() {
        // the machines this project builds and runs on (Linux x86-64, glibc) have a bundled libargon2:
        // if it stopped loading, logins would silently cost the Java port's 1.5-5x more CPU
        assertThat(Argon2Engine.chosen()).isEqualTo(Argon2Engine.NATIVE);
        assertThat(Argon2Engine.choose(null)).isEqualTo(Argon2Engine.NATIVE);
        assertThat(Argon2Engine.choose("native")).isEqualTo(Argon2Engine.NATIVE);
    }

    @Test
    void bothEnginesGiveTheSameBytesSoEitherVerifiesTheOthersHashes() {
        Random random = new Random(12);
        int[][] parameters = {{7168, 5, 1}, {19456, 2, 1}, {8192, 3, 2}, {64, 1, 4}};
        String[] passwords = {"", "pw", "pässwörd €", "a rather long passphrase ".repeat(20)};
        for (int[] p : parameters) {
            for (String password : passwords) {
                byte[] salt = new byte[8 + random.nextInt(40)];
                random.nextBytes(salt);
                int length = 16 + random.nextInt(48);
                byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
                byte[] fromC = Argon2Engine.NATIVE.derive(utf8, salt, p[0], p[1], p[2], length);
                byte[] fromJava = Argon2Engine.JAVA.derive(utf8, salt, p[0], p[1], p[2], length);
                assertThat(fromC).as("m=%d,t=%d,p=%d, %d chars", p[0], p[1], p[2], password.length())
                        .hasSize(length).isEqualTo(fromJava);
            }
        }
    }

    @Test
    void nativeHashesRunOnAtMostOneThreadPerCoreWhoeverAsksForThem() throws Exception {
        // libargon2's memory stays in the malloc arena of the thread that hashed: few threads, bounded memory
        int callers = 8;
        ExecutorService many = Executors.newFixedThreadPool(callers);
        try {
            List<Future<byte[]>> hashes = new ArrayList<>();
            for (int i = 0; i < callers * 2; i++) {
                hashes.add(many.submit(() -> Argon2Engine.NATIVE.derive(new byte[] {1}, new byte[16], 1024, 2, 1, 32)));
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
                .hasMessageContaining("smsotp.argon2").hasMessageContaining("native or java");
    }
}
