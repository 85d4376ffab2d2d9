package io.smsotp.stream.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsStatus;
import io.smsotp.stream.code.CodeGenerator;
import io.smsotp.stream.code.CodeHasher;
import io.smsotp.stream.limit.LimitKeys;
import io.smsotp.stream.limit.SendLimits;
import io.smsotp.stream.limit.SendWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The challenge's transitions as plain functions: no store, no Kafka, no clock. */
class ChallengeRulesTest {

    private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
    private static final String APP = "demo";
    private static final String TO = "+15551234567";
    private static final byte[] KEY = filled(32);
    private static final OtpPolicy POLICY = new OtpPolicy(6, Duration.ofMinutes(5), 3, Duration.ofSeconds(30), 2);
    private static final Pattern CODE = Pattern.compile("^(\\d+) is your ");

    private final RateLimitSettings limits = new RateLimitSettings(new RateLimitSettings.Limit(2, Duration.ofMinutes(10)),
            new RateLimitSettings.Limit(20, Duration.ofMinutes(10)));
    private final LimitKeys keys = new LimitKeys(KEY);
    private final ChallengeRules rules = new ChallengeRules(new CodeGenerator(), new CodeHasher(KEY),
            new SendLimits(limits, new LimitKeys(KEY)));
    /** The send windows as a store would hold them, updated as the processor would. */
    private final Map<String, SendWindow> windows = new HashMap<>();

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 7);
        return b;
    }

    private Outcome create(String id, String to) {
        Outcome outcome = rules.create(new OtpCommand.CreateChallenge(id, APP, "Demo", to, POLICY, null, "r-" + id,
                "auth-1"), null, windows::get, T0);
        if (outcome.counted() != null) {
            windows.putAll(outcome.counted().counted());
        }
        return outcome;
    }

    private static String codeOf(Outcome outcome) {
        Matcher m = CODE.matcher(outcome.sms().text());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private Outcome verify(ChallengeRecord stored, String code, Instant at) {
        return rules.verify(new OtpCommand.VerifyCode(stored.id(), APP, code, "r-v", "auth-2"), code, stored, at);
    }

    @Test
    void aCreateMakesAPendingChallengeSendsItsCodeAndCountsTheSend() {
        Outcome created = create("c-1", TO);

        ChallengeRecord challenge = created.saved();
        assertThat(challenge.status()).isEqualTo(ChallengeStatus.PENDING);
        assertThat(challenge.expiresAt()).isEqualTo(T0.plus(POLICY.ttl()));
        assertThat(created.events()).singleElement().isInstanceOf(OtpEvent.ChallengeCreated.class);
        assertThat(created.sms().messageId()).isEqualTo(challenge.messageId());
        assertThat(created.sms().to()).isEqualTo(TO);
        // only the code's keyed hash is kept, and it is the hash of the code the SMS carries
        String code = codeOf(created);
        assertThat(challenge.codeHash()).doesNotContain(code);
        assertThat(new CodeHasher(KEY).matches("c-1", code, challenge.codeHash())).isTrue();
        assertThat(created.counted().granted()).isTrue();
        assertThat(created.counted().counted()).containsOnlyKeys(keys.number(TO));
    }

    @Test
    void aCreateOfAnIdThatExistsIsADuplicateAndChangesNothing() {
        ChallengeRecord existing = create("c-1", TO).saved();

        Outcome again = rules.create(new OtpCommand.CreateChallenge("c-1", APP, "Demo", TO, POLICY, null, "r-2",
                "auth-1"), existing, windows::get, T0);

        assertThat(again.saved()).isNull();
        assertThat(again.sms()).isNull();
        assertThat(again.counted()).isNull();
        assertThat(again.events()).singleElement().isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.DUPLICATE));
    }

    @Test
    void aCreatePastTheNumbersLimitIsRefusedAndMakesStoresAndCountsNothing() {
        create("c-1", TO);
        create("c-2", TO);

        Outcome refused = create("c-3", TO);

        assertThat(refused.saved()).isNull();
        assertThat(refused.sms()).isNull();
        assertThat(refused.counted()).isNull();
        assertThat(refused.events()).singleElement().isInstanceOfSatisfying(OtpEvent.SendRateLimited.class, r -> {
            assertThat(r.limit()).isEqualTo(OtpEvent.SendRateLimited.PER_NUMBER);
            assertThat(r.retryAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        });
        assertThat(windows.get(keys.number(TO)).count()).isEqualTo(2);
        // another number has room of its own
        assertThat(create("c-4", "+15550000001").saved()).isNotNull();
    }

    @Test
    void theRightCodeApprovesOnceAndNeverAgain() {
        Outcome created = create("c-1", TO);
        String code = codeOf(created);

        Outcome first = verify(created.saved(), code, T0.plusSeconds(5));
        Outcome second = verify(first.saved(), code, T0.plusSeconds(6));

        assertThat(first.saved().status()).isEqualTo(ChallengeStatus.APPROVED);
        assertThat(((OtpEvent.CodeChecked) first.events().get(0)).valid()).isTrue();
        assertThat(second.saved()).isNull();
        assertThat(second.events()).singleElement().isInstanceOfSatisfying(OtpEvent.CodeChecked.class, c -> {
            assertThat(c.valid()).isFalse();
            assertThat(c.counted()).isFalse();
        });
    }

    @Test
    void wrongCodesUseUpTheAttemptsAndThenEvenTheRightOneFails() {
        Outcome created = create("c-1", TO);
        String code = codeOf(created);
        String wrong = code.equals("000000") ? "000001" : "000000";
        ChallengeRecord challenge = created.saved();

        for (int left = POLICY.maxAttempts() - 1; left >= 0; left--) {
            Outcome checked = verify(challenge, wrong, T0.plusSeconds(1));
            challenge = checked.saved();
            assertThat(challenge.attemptsLeft()).isEqualTo(left);
            assertThat(((OtpEvent.CodeChecked) checked.events().get(0)).counted()).isTrue();
        }

        assertThat(challenge.status()).isNotEqualTo(ChallengeStatus.PENDING);
        assertThat(((OtpEvent.CodeChecked) verify(challenge, code, T0.plusSeconds(2)).events().get(0)).valid())
                .isFalse();
    }

    @Test
    void aCheckAfterTheLifetimeExpiresTheChallengeFirstAndFindsNoCodeValid() {
        Outcome created = create("c-1", TO);

        Outcome late = verify(created.saved(), codeOf(created), T0.plus(POLICY.ttl()));

        assertThat(late.saved().status()).isEqualTo(ChallengeStatus.EXPIRED);
        assertThat(late.events()).hasSize(2);
        assertThat(late.events().get(0)).isInstanceOf(OtpEvent.ChallengeExpired.class);
        assertThat(((OtpEvent.CodeChecked) late.events().get(1)).valid()).isFalse();
    }

    @Test
    void anotherApplicationsChallengeIsNotFound() {
        ChallengeRecord challenge = create("c-1", TO).saved();

        Outcome probe = rules.status(new OtpCommand.GetStatus("c-1", "other-app", "r-s", "auth-1"), challenge,
                T0.plusSeconds(1));

        assertThat(probe.saved()).isNull();
        assertThat(probe.events()).singleElement().isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND));
    }

    @Test
    void aResendWaitsForTheCooldownThenReplacesTheCodeAndCountsUnderTheLimit() {
        Outcome created = create("c-1", TO);
        String oldCode = codeOf(created);
        OtpCommand.ResendCode resend = new OtpCommand.ResendCode("c-1", APP, null, "r-r", "auth-1");

        Outcome early = rules.resend(resend, created.saved(), windows::get, T0.plusSeconds(29));
        Outcome resent = rules.resend(resend, created.saved(), windows::get, T0.plusSeconds(30));

        assertThat(early.saved()).isNull();
        assertThat(((OtpEvent.CodeResent) early.events().get(0)).refusal()).isEqualTo(OtpEvent.CodeResent.COOLDOWN);
        assertThat(early.counted()).isNull();
        assertThat(resent.saved().messageId()).isNotEqualTo(created.saved().messageId());
        assertThat(resent.saved().expiresAt()).isEqualTo(created.saved().expiresAt());
        assertThat(resent.counted().counted().get(keys.number(TO)).count()).isEqualTo(2);
        String newCode = codeOf(resent);
        if (!newCode.equals(oldCode)) {
            assertThat(((OtpEvent.CodeChecked) verify(resent.saved(), oldCode, T0.plusSeconds(31)).events().get(0))
                    .valid()).isFalse();
        }
        assertThat(((OtpEvent.CodeChecked) verify(resent.saved(), newCode, T0.plusSeconds(31)).events().get(0))
                .valid()).isTrue();
    }

    @Test
    void cancelEndsAPendingChallengeAndIsIdempotent() {
        ChallengeRecord challenge = create("c-1", TO).saved();
        OtpCommand.CancelChallenge cancel = new OtpCommand.CancelChallenge("c-1", APP, "r-c", "auth-1");

        Outcome first = rules.cancel(cancel, challenge, T0.plusSeconds(1));
        Outcome again = rules.cancel(cancel, first.saved(), T0.plusSeconds(2));

        assertThat(first.saved().status()).isEqualTo(ChallengeStatus.CANCELED);
        assertThat(again.saved()).isNull();
        assertThat(((OtpEvent.ChallengeState) again.events().get(0)).challenge().status())
                .isEqualTo(ChallengeStatus.CANCELED);
    }

    @Test
    void aDeliveryReportCountsOnlyForTheCurrentMessage() {
        ChallengeRecord challenge = create("c-1", TO).saved();

        Outcome current = ChallengeRules.deliveryReport(new SmsStatus(challenge.messageId(), "c-1", Delivery.SENT,
                "p", 200, null, T0), challenge, T0);
        Outcome old = ChallengeRules.deliveryReport(new SmsStatus("an-older-message", "c-1", Delivery.FAILED, "p",
                500, "boom", T0), challenge, T0);

        assertThat(current.saved().delivery()).isEqualTo(Delivery.SENT);
        assertThat(old).isNull();
        assertThat(ChallengeRules.deliveryReport(new SmsStatus("m", "gone", Delivery.SENT, "p", 200, null, T0), null,
                T0)).isNull();
    }

    @Test
    void theSweepExpiresAPendingChallengeOnceAndForgetsItOneRetentionLater() {
        ChallengeRecord challenge = create("c-1", TO).saved();
        Instant expiry = challenge.expiresAt();

        ChallengeRules.SweepStep early = ChallengeRules.sweep(challenge, expiry.minusMillis(1));
        ChallengeRules.SweepStep due = ChallengeRules.sweep(challenge, expiry);
        ChallengeRules.SweepStep kept = ChallengeRules.sweep(due.saved(), expiry.plusSeconds(1));
        ChallengeRules.SweepStep purged = ChallengeRules.sweep(due.saved(), expiry.plus(ChallengeRules.RETENTION));

        assertThat(early).isEqualTo(new ChallengeRules.SweepStep(null, null, expiry, false));
        assertThat(due.saved().status()).isEqualTo(ChallengeStatus.EXPIRED);
        assertThat(due.expired()).isInstanceOf(OtpEvent.ChallengeExpired.class);
        assertThat(due.nextDue()).isEqualTo(expiry.plus(ChallengeRules.RETENTION));
        assertThat(kept.expired()).isNull();
        assertThat(kept.purge()).isFalse();
        assertThat(purged.purge()).isTrue();
        assertThat(purged.expired()).isNull();
    }

    @Test
    void theSweepIsDueForAStoredChallengeWhenItHasSomethingToDoWithIt() {
        Outcome created = create("c-1", TO);
        ChallengeRecord pending = created.saved();
        ChallengeRecord approved = verify(pending, codeOf(created), T0.plusSeconds(5)).saved();
        Instant expiry = pending.expiresAt();

        assertThat(ChallengeRules.sweepDue(pending)).isEqualTo(expiry);
        assertThat(ChallengeRules.sweep(pending, ChallengeRules.sweepDue(pending)).expired())
                .isInstanceOf(OtpEvent.ChallengeExpired.class);
        assertThat(approved.status()).isEqualTo(ChallengeStatus.APPROVED);
        assertThat(ChallengeRules.sweepDue(approved)).isEqualTo(expiry.plus(ChallengeRules.RETENTION));
        assertThat(ChallengeRules.sweep(approved, ChallengeRules.sweepDue(approved).minusMillis(1)).purge()).isFalse();
        assertThat(ChallengeRules.sweep(approved, ChallengeRules.sweepDue(approved)).purge()).isTrue();
    }
}
