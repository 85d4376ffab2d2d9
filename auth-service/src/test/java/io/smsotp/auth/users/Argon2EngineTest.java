package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
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
    void theJavaPortCanBeForcedAndAnythingElseIsRefusedByName() {
        assertThat(Argon2Engine.choose(" Java ")).isEqualTo(Argon2Engine.JAVA);
        assertThatThrownBy(() -> Argon2Engine.choose("fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smsotp.argon2").hasMessageContaining("native or java");
    }
}
