package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.stream.challenge.ChallengeProcessor;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * otp-stream opens the typed code of each verify with {@code codeEncryptionKey}; one that does
 * not open for its challenge is bad input: rejected as {@code invalid}, no attempt counted.
 */
class SealedCodeTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture(stateDir, Duration.ofDays(1));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aSealedRightCodeApprovesAsBefore() {
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.verify(id, code, "req-v");

        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CodeChecked.class, c -> {
            assertThat(c.valid()).isTrue();
            assertThat(c.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
        });
    }

    @Test
    void theRightCodeSealedForAnotherChallengeIsRejectedAndCostsNoAttempt() {
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);
        String other = TopologyFixture.newId();
        fx.createAndReadCode(other);
        // a sealed verify copied from the other challenge's command, replayed against this one
        OtpCommand.VerifyCode sealedForOther = fx.codeCipher.seal(
                new OtpCommand.VerifyCode(other, TopologyFixture.APP, code, "req-typed", "auth-2"));

        fx.pipeVerify(new OtpCommand.VerifyCode(id, TopologyFixture.APP, sealedForOther.code(), "req-replay", "auth-2"));

        assertInvalid("req-replay", "another challenge");
        assertStillPendingWithAllAttempts(id);
    }

    @Test
    void theRightCodeInPlaintextIsRejectedAndCostsNoAttempt() {
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.pipeVerify(new OtpCommand.VerifyCode(id, TopologyFixture.APP, code, "req-plain", "auth-2"));

        assertInvalid("req-plain", "not sealed");
        assertStillPendingWithAllAttempts(id);
    }

    @Test
    void theRightCodeSealedUnderAnotherKeyIsRejectedAndCostsNoAttempt() {
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);
        CodeCipher otherKey = new CodeCipher(new byte[32]);

        fx.pipeVerify(otherKey.seal(new OtpCommand.VerifyCode(id, TopologyFixture.APP, code, "req-key", "auth-2")));

        assertInvalid("req-key", "does not open");
        assertStillPendingWithAllAttempts(id);
    }

    @Test
    void aChangedSealedCodeIsRejectedAndTheRightCodeStillApprovesAfterwards() {
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);
        String sealed = fx.codeCipher.seal(new OtpCommand.VerifyCode(id, TopologyFixture.APP, code, "r", "a")).code();
        char c = sealed.charAt(sealed.length() - 4);
        String changed = sealed.substring(0, sealed.length() - 4) + (c == 'A' ? 'B' : 'A')
                + sealed.substring(sealed.length() - 3);

        fx.pipeVerify(new OtpCommand.VerifyCode(id, TopologyFixture.APP, changed, "req-changed", "auth-2"));
        assertInvalid("req-changed", "does not open");
        fx.verify(id, code, "req-right");

        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CodeChecked.class,
                checked -> assertThat(checked.valid()).isTrue());
    }

    private void assertInvalid(String requestId, String why) {
        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class, r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.reason()).isEqualTo(ChallengeProcessor.INVALID);
            assertThat(r.message()).contains(why);
        });
    }

    private void assertStillPendingWithAllAttempts(String id) {
        fx.status(id, "req-status");
        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.ChallengeState.class, s -> {
            assertThat(s.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
            assertThat(s.challenge().attemptsLeft()).isEqualTo(5);
        });
    }
}
