package io.smsotp.stream;

import static io.smsotp.stream.TopologyFixture.START;
import static io.smsotp.stream.TopologyFixture.TO;
import static io.smsotp.stream.TopologyFixture.codeOf;
import static io.smsotp.stream.TopologyFixture.wrong;
import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsRequest;
import io.smsotp.stream.challenge.ChallengeProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resend and cancel, through the real topology. */
class ResendAndCancelTopologyTest {

    /** Longer than any clock advance below that must not trigger the sweep. */
    private static final Duration NO_SWEEP = Duration.ofDays(1);
    private static final Duration COOLDOWN = OtpPolicy.DEFAULT_RESEND_COOLDOWN;
    private static final Instant EXPIRES = START.plus(OtpPolicy.DEFAULT.ttl());

    @TempDir
    Path stateDir;

    private TopologyFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private TopologyFixture fixture(Duration sweepInterval) {
        fx = new TopologyFixture(stateDir, sweepInterval);
        return fx;
    }

    /** The one resend answer the last command produced. */
    private OtpEvent.CodeResent resent() {
        return (OtpEvent.CodeResent) fx.onlyEvent();
    }

    private OtpEvent.CodeChecked checked() {
        return (OtpEvent.CodeChecked) fx.onlyEvent();
    }

    private OtpEvent.ChallengeState state() {
        return (OtpEvent.ChallengeState) fx.onlyEvent();
    }

    private SmsRequest onlySms() {
        List<SmsRequest> sms = fx.smsRequests();
        assertThat(sms).hasSize(1);
        return sms.get(0);
    }

    @Test
    void resendSendsANewCodeUnderANewMessageAndOnlyTheNewCodeApproves() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.create(id, OtpPolicy.DEFAULT);
        fx.events();
        SmsRequest first = onlySms();
        String oldCode = codeOf(first);

        fx.advance(COOLDOWN);
        fx.resend(id, "req-r1");
        OtpEvent.CodeResent answer = resent();
        SmsRequest second = onlySms();

        assertThat(answer.sent()).isTrue();
        assertThat(answer.refusal()).isNull();
        assertThat(answer.requestId()).isEqualTo("req-r1");
        assertThat(answer.replyTo()).isEqualTo("auth-4");
        Instant now = START.plus(COOLDOWN);
        assertThat(answer.challenge()).isEqualTo(new ChallengeView(ChallengeStatus.PENDING, TO, EXPIRES, 5,
                Delivery.QUEUED, null, OtpPolicy.DEFAULT_MAX_RESENDS - 1, now.plus(COOLDOWN)));
        assertThat(second.messageId()).isNotBlank().isNotEqualTo(first.messageId());
        assertThat(second.challengeId()).isEqualTo(id);
        assertThat(second.to()).isEqualTo(TO);
        assertThat(second.expiresAt()).isEqualTo(EXPIRES);
        // 4:30 left: the text rounds down rather than promise time there is not
        assertThat(second.text()).matches(
                "\\d{6} is your Demo verification code\\. It expires in 4 minutes\\. Don't share it\\.");
        String newCode = codeOf(second);

        fx.verify(id, oldCode.equals(newCode) ? wrong(newCode) : oldCode, "req-old");
        OtpEvent.CodeChecked old = checked();
        fx.verify(id, newCode, "req-new");
        OtpEvent.CodeChecked fresh = checked();

        assertThat(old.valid()).isFalse();
        assertThat(old.counted()).isTrue();
        assertThat(old.challenge().attemptsLeft()).isEqualTo(4);
        assertThat(fresh.valid()).isTrue();
        assertThat(fresh.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
    }

    @Test
    void resendKeepsTheCodeLengthOfThePolicy() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.createAndReadCode(id, new OtpPolicy(9, Duration.ofMinutes(5), 5, Duration.ZERO, 1));

        fx.resend(id, "req-r");

        assertThat(resent().sent()).isTrue();
        assertThat(codeOf(onlySms())).hasSize(9).containsOnlyDigits();
    }

    @Test
    void resendDoesNotResetTheAttemptsSoTheLimitComesAtTheSameCount() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id, new OtpPolicy(6, Duration.ofMinutes(5), 3, Duration.ZERO, 3));

        fx.verify(id, wrong(code), "req-w1");
        assertThat(checked().challenge().attemptsLeft()).isEqualTo(2);
        fx.resend(id, "req-r1");
        assertThat(resent().challenge().attemptsLeft()).isEqualTo(2);
        code = codeOf(onlySms());
        fx.verify(id, wrong(code), "req-w2");
        assertThat(checked().challenge().attemptsLeft()).isEqualTo(1);
        fx.resend(id, "req-r2");
        assertThat(resent().challenge().attemptsLeft()).isEqualTo(1);
        code = codeOf(onlySms());
        fx.verify(id, wrong(code), "req-w3");
        OtpEvent.CodeChecked third = checked();

        assertThat(third.counted()).isTrue();
        assertThat(third.challenge().status()).isEqualTo(ChallengeStatus.MAX_ATTEMPTS_REACHED);
        assertThat(third.challenge().attemptsLeft()).isZero();
        assertThat(third.challenge().resendAvailableAt()).isNull();
        fx.resend(id, "req-r3");
        OtpEvent.CodeResent refused = resent();
        assertThat(refused.sent()).isFalse();
        assertThat(refused.refusal()).isEqualTo(OtpEvent.CodeResent.NOT_PENDING);
        assertThat(fx.smsRequests()).isEmpty();
        fx.verify(id, code, "req-right-too-late");
        assertThat(checked().valid()).isFalse();
    }

    @Test
    void resendKeepsTheExpiryAndAfterItIsRefusedAsNotPending() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.createAndReadCode(id);

        fx.advance(Duration.ofMinutes(4));
        fx.resend(id, "req-r1");
        OtpEvent.CodeResent sent = resent();
        SmsRequest sms = onlySms();
        String code = codeOf(sms);

        assertThat(sent.challenge().expiresAt()).isEqualTo(EXPIRES);
        assertThat(sms.expiresAt()).isEqualTo(EXPIRES);
        assertThat(sms.text()).contains("It expires in 1 minute.");

        fx.advance(Duration.ofMinutes(1));
        fx.resend(id, "req-r2");
        List<OtpEvent> events = fx.events();

        assertThat(events).filteredOn(OtpEvent.ChallengeExpired.class::isInstance).hasSize(1);
        assertThat(events).last().isInstanceOfSatisfying(OtpEvent.CodeResent.class, r -> {
            assertThat(r.requestId()).isEqualTo("req-r2");
            assertThat(r.sent()).isFalse();
            assertThat(r.refusal()).isEqualTo(OtpEvent.CodeResent.NOT_PENDING);
            assertThat(r.challenge().status()).isEqualTo(ChallengeStatus.EXPIRED);
            assertThat(r.challenge().resendAvailableAt()).isNull();
        });
        assertThat(fx.smsRequests()).isEmpty();
        fx.verify(id, code, "req-v");
        assertThat(checked().valid()).isFalse();
    }

    @Test
    void resendWithinTheCooldownIsRefusedUntilItIsOver() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.resend(id, "req-r1");
        OtpEvent.CodeResent atOnce = resent();
        fx.advance(COOLDOWN.minusMillis(1));
        fx.resend(id, "req-r2");
        OtpEvent.CodeResent almost = resent();

        for (OtpEvent.CodeResent refused : List.of(atOnce, almost)) {
            assertThat(refused.sent()).isFalse();
            assertThat(refused.refusal()).isEqualTo(OtpEvent.CodeResent.COOLDOWN);
            assertThat(refused.challenge().resendsLeft()).isEqualTo(OtpPolicy.DEFAULT_MAX_RESENDS);
            assertThat(refused.challenge().resendAvailableAt()).isEqualTo(START.plus(COOLDOWN));
        }
        assertThat(fx.smsRequests()).isEmpty();
        // a refused resend changes nothing: the first code still works
        fx.status(id, "req-s");
        assertThat(state().challenge().attemptsLeft()).isEqualTo(5);

        fx.advance(Duration.ofMillis(1));
        fx.resend(id, "req-r3");

        assertThat(resent().sent()).isTrue();
        assertThat(onlySms().messageId()).isNotBlank();
        fx.verify(id, code, "req-first-code");
        assertThat(checked().valid()).isFalse();
    }

    @Test
    void resendsStopAtMaxResendsAndTheLastCodeStillApproves() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        Duration cooldown = Duration.ofSeconds(10);
        fx.createAndReadCode(id, new OtpPolicy(6, Duration.ofMinutes(5), 5, cooldown, 2));

        String code = null;
        for (int left = 1; left >= 0; left--) {
            fx.advance(cooldown);
            fx.resend(id, "req-r");
            OtpEvent.CodeResent sent = resent();
            assertThat(sent.sent()).isTrue();
            assertThat(sent.challenge().resendsLeft()).isEqualTo(left);
            code = codeOf(onlySms());
        }
        fx.advance(cooldown);
        fx.resend(id, "req-r-last");
        OtpEvent.CodeResent refused = resent();

        assertThat(refused.sent()).isFalse();
        assertThat(refused.refusal()).isEqualTo(OtpEvent.CodeResent.LIMIT);
        assertThat(refused.challenge().resendsLeft()).isZero();
        assertThat(refused.challenge().resendAvailableAt()).isNull();
        assertThat(fx.smsRequests()).isEmpty();
        fx.verify(id, code, "req-v");
        assertThat(checked().valid()).isTrue();
    }

    @Test
    void maxResendsZeroAllowsNoResendAtAll() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.create(id, new OtpPolicy(6, Duration.ofMinutes(5), 5, COOLDOWN, 0));
        OtpEvent.ChallengeCreated created = (OtpEvent.ChallengeCreated) fx.onlyEvent();
        fx.smsRequests();

        fx.advance(COOLDOWN);
        fx.resend(id, "req-r");
        OtpEvent.CodeResent refused = resent();

        assertThat(created.challenge().resendsLeft()).isZero();
        assertThat(created.challenge().resendAvailableAt()).isNull();
        assertThat(refused.sent()).isFalse();
        assertThat(refused.refusal()).isEqualTo(OtpEvent.CodeResent.LIMIT);
        assertThat(fx.smsRequests()).isEmpty();
    }

    @Test
    void aFailedDeliveryLetsAResendThroughInsideTheCooldownAndItStillCounts() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.create(id, OtpPolicy.DEFAULT);
        fx.events();
        String messageId = onlySms().messageId();

        fx.advance(Duration.ofSeconds(5));
        fx.deliveryReport(id, messageId, Delivery.FAILED, "all providers failed");
        OtpEvent.DeliveryUpdated failed = (OtpEvent.DeliveryUpdated) fx.onlyEvent();
        fx.resend(id, "req-r1");
        OtpEvent.CodeResent sent = resent();
        SmsRequest retry = onlySms();
        fx.resend(id, "req-r2");
        OtpEvent.CodeResent refused = resent();

        assertThat(failed.challenge().resendAvailableAt()).isEqualTo(START);
        assertThat(sent.sent()).isTrue();
        assertThat(sent.challenge().resendsLeft()).isEqualTo(OtpPolicy.DEFAULT_MAX_RESENDS - 1);
        assertThat(sent.challenge().delivery()).isEqualTo(Delivery.QUEUED);
        assertThat(sent.challenge().deliveryReason()).isNull();
        assertThat(retry.messageId()).isNotEqualTo(messageId);
        // the new send is queued, not failed: the cooldown counts from it again
        assertThat(refused.refusal()).isEqualTo(OtpEvent.CodeResent.COOLDOWN);
        assertThat(refused.challenge().resendAvailableAt()).isEqualTo(START.plusSeconds(5).plus(COOLDOWN));
        assertThat(fx.smsRequests()).isEmpty();
    }

    @Test
    void deliveryReportsOnTheMessageBeforeAResendAreIgnored() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.create(id, OtpPolicy.DEFAULT);
        fx.events();
        String oldMessage = onlySms().messageId();
        fx.advance(COOLDOWN);
        fx.resend(id, "req-r");
        fx.events();
        String newMessage = onlySms().messageId();

        fx.deliveryReport(id, oldMessage, Delivery.FAILED, "late report on the first message");
        List<OtpEvent> afterOld = fx.events();
        fx.status(id, "req-s");
        OtpEvent.ChallengeState state = state();
        fx.deliveryReport(id, newMessage, Delivery.SENT, null);
        OtpEvent.DeliveryUpdated current = (OtpEvent.DeliveryUpdated) fx.onlyEvent();

        assertThat(afterOld).isEmpty();
        assertThat(state.challenge().delivery()).isEqualTo(Delivery.QUEUED);
        assertThat(state.challenge().resendAvailableAt()).isEqualTo(START.plus(COOLDOWN).plus(COOLDOWN));
        assertThat(current.challenge().delivery()).isEqualTo(Delivery.SENT);
    }

    @Test
    void cancelEndsAPendingChallengeSoTheRightCodeNoLongerApproves() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.cancel(id, "req-c1");
        OtpEvent.ChallengeState canceled = state();
        fx.verify(id, code, "req-v");
        OtpEvent.CodeChecked afterCancel = checked();
        fx.cancel(id, "req-c2");
        OtpEvent.ChallengeState again = state();
        fx.resend(id, "req-r");
        OtpEvent.CodeResent resend = resent();

        assertThat(canceled.requestId()).isEqualTo("req-c1");
        assertThat(canceled.replyTo()).isEqualTo("auth-5");
        assertThat(canceled.challenge()).isEqualTo(new ChallengeView(ChallengeStatus.CANCELED, TO, EXPIRES, 5,
                Delivery.QUEUED, null, OtpPolicy.DEFAULT_MAX_RESENDS, null));
        assertThat(afterCancel.valid()).isFalse();
        assertThat(afterCancel.counted()).isFalse();
        assertThat(afterCancel.challenge().status()).isEqualTo(ChallengeStatus.CANCELED);
        assertThat(again.requestId()).isEqualTo("req-c2");
        assertThat(again.challenge()).isEqualTo(canceled.challenge());
        assertThat(resend.refusal()).isEqualTo(OtpEvent.CodeResent.NOT_PENDING);
        assertThat(fx.smsRequests()).isEmpty();
    }

    @Test
    void cancelOfAFinishedChallengeAnswersItsStateUnchanged() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String approved = TopologyFixture.newId();
        String expired = TopologyFixture.newId();
        String code = fx.createAndReadCode(approved);
        fx.create(expired, OtpPolicy.DEFAULT);
        fx.smsRequests();
        fx.verify(approved, code, "req-v");
        fx.events();

        fx.cancel(approved, "req-c1");
        OtpEvent.ChallengeState stillApproved = state();
        fx.advance(OtpPolicy.DEFAULT.ttl());
        fx.cancel(expired, "req-c2");
        List<OtpEvent> events = fx.events();

        assertThat(stillApproved.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
        assertThat(events).last().isInstanceOfSatisfying(OtpEvent.ChallengeState.class,
                s -> assertThat(s.challenge().status()).isEqualTo(ChallengeStatus.EXPIRED));
    }

    @Test
    void aCanceledChallengeIsNeitherExpiredNorKeptPastTheRetention() {
        TopologyFixture fx = fixture(Duration.ofSeconds(1));
        String id = TopologyFixture.newId();
        fx.createAndReadCode(id);
        fx.cancel(id, "req-c");
        fx.events();

        fx.advance(OtpPolicy.DEFAULT.ttl().plusSeconds(2));
        List<OtpEvent> atExpiry = fx.events();
        fx.status(id, "req-s1");
        OtpEvent.ChallengeState kept = state();
        fx.advance(ChallengeProcessor.RETENTION);
        fx.status(id, "req-s2");

        assertThat(atExpiry).isEmpty();
        assertThat(kept.challenge().status()).isEqualTo(ChallengeStatus.CANCELED);
        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND));
    }

    @Test
    void resendAndCancelOfAnUnknownChallengeAreNotFound() {
        TopologyFixture fx = fixture(NO_SWEEP);

        fx.resend("no-such-challenge", "req-r");
        fx.cancel("no-such-challenge", "req-c");

        assertThat(fx.events()).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                        r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND)));
        assertThat(fx.smsRequests()).isEmpty();
    }

    @Test
    void anotherApplicationCanNeitherResendNorCancelAChallenge() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);
        fx.advance(COOLDOWN);

        fx.resendAs("other-app", id);
        fx.cancelAs("other-app", id);

        assertThat(fx.events()).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(OtpEvent.CommandRejected.class, r -> {
                    assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND);
                    assertThat(r.requestId()).isEqualTo("req-other");
                }));
        assertThat(fx.smsRequests()).isEmpty();
        fx.status(id, "req-s");
        OtpEvent.ChallengeState state = state();
        assertThat(state.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
        assertThat(state.challenge().resendsLeft()).isEqualTo(OtpPolicy.DEFAULT_MAX_RESENDS);
        fx.verify(id, code, "req-v");
        assertThat(checked().valid()).isTrue();
    }
}
