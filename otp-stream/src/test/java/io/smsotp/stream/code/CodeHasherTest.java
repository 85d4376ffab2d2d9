package io.smsotp.stream.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CodeHasherTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final CodeHasher hasher = new CodeHasher(KEY);

    @Test
    void hashIsHmacSha256OfIdColonCode() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = Base64.getEncoder()
                .encodeToString(mac.doFinal("ch-1:123456".getBytes(StandardCharsets.UTF_8)));

        assertThat(hasher.hash("ch-1", "123456")).isEqualTo(expected);
    }

    @Test
    void matchesOnlyTheSameCodeForTheSameChallenge() {
        String stored = hasher.hash("ch-1", "123456");

        assertThat(hasher.matches("ch-1", "123456", stored)).isTrue();
        assertThat(hasher.matches("ch-1", "123457", stored)).isFalse();
        assertThat(hasher.matches("ch-2", "123456", stored)).isFalse();
        assertThat(hasher.matches("ch-1", null, stored)).isFalse();
        assertThat(hasher.matches("ch-1", "123456", "not base64!")).isFalse();
    }

    @Test
    void anotherKeyGivesAnotherHash() {
        byte[] other = Arrays.copyOf(KEY, KEY.length);
        other[0] ^= 1;

        assertThat(new CodeHasher(other).hash("ch-1", "123456")).isNotEqualTo(hasher.hash("ch-1", "123456"));
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> new CodeHasher(new byte[16])).hasMessageContaining("stream.codeHmacKey");
    }
}
