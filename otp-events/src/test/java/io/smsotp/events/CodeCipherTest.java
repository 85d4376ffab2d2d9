package io.smsotp.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CodeCipherTest {

    static final CodeCipher CIPHER = new CodeCipher("code-cipher-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final OtpCommand.VerifyCode PLAIN = new OtpCommand.VerifyCode("ch-1", "shop", "48291307", "req-1", "auth-1");

    @Test
    void aSealedCodeHidesTheCodeAndOpensBackToIt() {
        OtpCommand.VerifyCode sealed = CIPHER.seal(PLAIN);

        assertThat(sealed.code()).startsWith(CodeCipher.PREFIX).doesNotContain("48291307");
        assertThat(new String(Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), sealed),
                StandardCharsets.UTF_8)).doesNotContain("48291307").contains("ch-1", "shop", "req-1", "auth-1");
        assertThat(sealed).extracting(OtpCommand.VerifyCode::challengeId, OtpCommand.VerifyCode::appId,
                OtpCommand.VerifyCode::requestId, OtpCommand.VerifyCode::replyTo)
                .containsExactly("ch-1", "shop", "req-1", "auth-1");
        assertThat(CIPHER.open(sealed)).isEqualTo("48291307");
        assertThat(CIPHER.seal(PLAIN).code()).as("a fresh nonce each time").isNotEqualTo(sealed.code());
    }

    @Test
    void aCodeSealedUnderAnotherKeyDoesNotOpen() {
        OtpCommand.VerifyCode sealed = new CodeCipher(new byte[32]).seal(PLAIN);

        assertThatThrownBy(() -> CIPHER.open(sealed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not open").hasMessageNotContaining("48291307");
    }

    @Test
    void aFailedOpenOrAnotherKeyOnTheSameThreadDoesNotSpoilTheNextSealOrOpen() {
        CodeCipher other = new CodeCipher(new byte[32]);
        OtpCommand.VerifyCode mine = CIPHER.seal(PLAIN);
        OtpCommand.VerifyCode theirs = other.seal(PLAIN);

        assertThatThrownBy(() -> CIPHER.open(theirs)).hasMessageContaining("does not open");
        assertThat(CIPHER.open(mine)).isEqualTo("48291307");
        assertThat(other.open(theirs)).isEqualTo("48291307");
        assertThatThrownBy(() -> other.open(mine)).hasMessageContaining("does not open");
        assertThat(CIPHER.open(CIPHER.seal(PLAIN))).isEqualTo("48291307");
    }

    @Test
    void sealsAndOpensFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int opened = 0;
                    for (int i = 0; i < 2_000; i++) {
                        String code = String.format("%08d", thread * 1_000_000 + i);
                        OtpCommand.VerifyCode v = new OtpCommand.VerifyCode("ch-" + thread, "shop", code, "r", "a");
                        if (CIPHER.open(CIPHER.seal(v)).equals(code)) {
                            opened++;
                        }
                    }
                    return opened;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCodeSealedForOneChallengeDoesNotOpenInAVerifyOfAnother() {
        OtpCommand.VerifyCode sealed = CIPHER.seal(PLAIN);
        OtpCommand.VerifyCode replayed = new OtpCommand.VerifyCode("ch-2", "shop", sealed.code(), "req-2", "auth-1");

        assertThatThrownBy(() -> CIPHER.open(replayed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not open").hasMessageContaining("another challenge");
    }

    @Test
    void aChangedSealedCodeDoesNotOpen() {
        String s = CIPHER.seal(PLAIN).code();
        for (int at : new int[] {CodeCipher.PREFIX.length() + 1, s.length() / 2, s.length() - 3}) {
            char c = s.charAt(at);
            String changed = s.substring(0, at) + (c == 'A' ? 'B' : 'A') + s.substring(at + 1);
            OtpCommand.VerifyCode tampered = new OtpCommand.VerifyCode("ch-1", "shop", changed, "req-1", "auth-1");

            assertThatThrownBy(() -> CIPHER.open(tampered)).as("changed at %d", at)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not open");
        }
        OtpCommand.VerifyCode cut = new OtpCommand.VerifyCode("ch-1", "shop", CodeCipher.PREFIX + "AAAA", "r", "a");
        assertThatThrownBy(() -> CIPHER.open(cut)).hasMessageContaining("too short");
    }

    @Test
    void aPlaintextCodeOrGarbageIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> CIPHER.open(PLAIN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not sealed").hasMessageNotContaining("48291307");
        OtpCommand.VerifyCode none = new OtpCommand.VerifyCode("ch-1", "shop", null, "r", "a");
        assertThatThrownBy(() -> CIPHER.open(none)).hasMessageContaining("not sealed");
        OtpCommand.VerifyCode garbage = new OtpCommand.VerifyCode("ch-1", "shop", CodeCipher.PREFIX + "!!", "r", "a");
        assertThatThrownBy(() -> CIPHER.open(garbage)).hasMessageContaining("not base64");
    }

    @Test
    void aKeyShorterThan32BytesIsRefused() {
        assertThatThrownBy(() -> new CodeCipher(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("code encryption key").hasMessageContaining("at least 32 bytes");
    }

    @Test
    void neitherTheCommandNorTheCipherPrintsTheCodeOrKey() {
        assertThat(PLAIN.toString()).doesNotContain("48291307");
        assertThat(CIPHER.seal(PLAIN).toString()).doesNotContain(CodeCipher.PREFIX);
        assertThat(CIPHER.toString()).doesNotContain("code-cipher-test-key");
    }
}
