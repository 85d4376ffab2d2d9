package io.smsotp.stream;

import static io.smsotp.stream.TopologyFixture.APP;
import static io.smsotp.stream.TopologyFixture.START;
import static io.smsotp.stream.TopologyFixture.TO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.Topics;
import io.smsotp.stream.challenge.ChallengeProcessor;
import io.smsotp.stream.challenge.ChallengeRecord;
import io.smsotp.stream.challenge.ChallengeStore;
import io.smsotp.stream.code.CodeHasher;
import io.smsotp.stream.expiry.ExpiryIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtpTopologyTest {

    /** Longer than any clock advance below that must not trigger the sweep. */
    private static final Duration NO_SWEEP = Duration.ofDays(1);
    private static final Duration FAST_SWEEP = Duration.ofSeconds(1);

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

    @Test
    void createEmitsCreatedAndExactlyOneSmsRequestCarryingTheCode() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();

        fx.create(id, OtpPolicy.DEFAULT);

        OtpEvent.ChallengeCreated created = (OtpEvent.ChallengeCreated) fx.onlyEvent();
        assertThat(created.challengeId()).isEqualTo(id);
        assertThat(created.requestId()).isEqualTo("req-create-" + id);
        assertThat(created.replyTo()).isEqualTo("auth-1");
        assertThat(created.challenge()).isEqualTo(new ChallengeView(ChallengeStatus.PENDING, TO,
                START.plus(Duration.ofMinutes(5)), 5, Delivery.QUEUED, null, OtpPolicy.DEFAULT_MAX_RESENDS,
                START.plus(OtpPolicy.DEFAULT_RESEND_COOLDOWN)));
        List<SmsRequest> sms = fx.smsRequests();
        assertThat(sms).hasSize(1);
        SmsRequest request = sms.get(0);
        assertThat(request.challengeId()).isEqualTo(id);
        assertThat(request.appId()).isEqualTo(APP);
        assertThat(request.to()).isEqualTo(TO);
        assertThat(request.messageId()).isNotBlank();
        assertThat(request.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(request.text()).matches(
                "\\d{6} is your Demo verification code\\. It expires in 5 minutes\\. Don't share it\\.");
    }

    @Test
    void theSmsTextTravelsSealedAndOpensOnlyWithTheKeyInItsOwnRequest() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.create(id, OtpPolicy.DEFAULT);
        fx.events();

        List<SmsRequest> onTopic = fx.sealedSmsRequests();

        assertThat(onTopic).hasSize(1);
        SmsRequest sealed = onTopic.get(0);
        SmsRequest opened = fx.cipher.open(sealed);
        String code = TopologyFixture.codeOf(opened);
        assertThat(sealed.text()).startsWith("gcm1:").doesNotContain(code).doesNotContain("verification code");
        assertThat(opened.messageId()).isEqualTo(sealed.messageId());
        assertThat(opened.to()).isEqualTo(TO);
        assertThatThrownBy(() -> new SmsCipher(new byte[32]).open(sealed))
                .isInstanceOf(IllegalArgumentException.class);
        // moved into another request, the text does not open either
        SmsRequest moved = new SmsRequest("another-message", sealed.challengeId(), sealed.appId(), sealed.to(),
                sealed.text(), sealed.expiresAt());
        assertThatThrownBy(() -> fx.cipher.open(moved)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAlphanumericPolicyMakesCodesOfItsAlphabetInTheAppsTemplateAndTakesThemInAnyCase() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        OtpPolicy policy = new OtpPolicy(8, Duration.ofMinutes(5), 5, Duration.ZERO, 1, true,
                "{app}: {code} ({minutes} min)", null);
        fx.create(id, policy);
        fx.events();
        String first = fx.smsRequests().get(0).text();
        fx.advance(Duration.ofSeconds(150));
        fx.resend(id, "req-r");
        assertThat(((OtpEvent.CodeResent) fx.onlyEvent()).sent()).isTrue();
        String second = fx.smsRequests().get(0).text();

        assertThat(first).matches("Demo: [23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8} \\(5 min\\)");
        // what is left after the resend, in whole minutes: 2.5 minutes say 2
        assertThat(second).matches("Demo: [23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8} \\(2 min\\)");
        String code = second.substring("Demo: ".length(), "Demo: ".length() + 8);
        fx.verify(id, " " + code.toLowerCase(java.util.Locale.ROOT) + " ", "req-v");
        assertThat(((OtpEvent.CodeChecked) fx.onlyEvent()).valid()).isTrue();
    }

    @Test
    void createFollowsTheApplicationsPolicy() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();

        fx.create(id, new OtpPolicy(8, Duration.ofSeconds(90), 3));

        OtpEvent.ChallengeCreated created = (OtpEvent.ChallengeCreated) fx.onlyEvent();
        assertThat(created.challenge().attemptsLeft()).isEqualTo(3);
        assertThat(created.challenge().expiresAt()).isEqualTo(START.plusSeconds(90));
        SmsRequest request = fx.smsRequests().get(0);
        assertThat(TopologyFixture.codeOf(request)).hasSize(8).containsOnlyDigits();
        assertThat(request.text()).contains("It expires in 90 seconds.");
    }

    @Test
    void storeAndChangelogHoldOnlyTheKeyedHashNeverTheCode() {
        TopologyFixture fx = fixture(NO_SWEEP);
        // no digits in the id and a 10-digit code: the code cannot turn up in the record by chance
        String id = "challenge-without-digits";
        fx.create(id, new OtpPolicy(10, Duration.ofMinutes(5), 5));
        String code = TopologyFixture.codeOf(fx.smsRequests().get(0));

        KeyValueStore<String, ChallengeRecord> store = fx.driver.getKeyValueStore(ChallengeStore.NAME);
        ChallengeRecord stored = store.get(id);
        assertThat(stored.codeHash())
                .isEqualTo(new CodeHasher(fx.settings.codeHmacKeyBytes()).hash(id, code))
                .doesNotContain(code);
        String storedJson = new String(ChallengeStore.VALUE_SERDE.serializer().serialize("t", stored),
                StandardCharsets.UTF_8);
        assertThat(storedJson).contains(id).doesNotContain(code);
        assertThat(stored.toString()).doesNotContain(code).doesNotContain(stored.codeHash());

        List<byte[]> changelog = fx.rawRecordsOf("otp-stream-test-" + ChallengeStore.NAME + "-changelog");
        assertThat(changelog).isNotEmpty();
        assertThat(changelog).allSatisfy(value ->
                assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain(code));
    }

    @Test
    void rightCodeApprovesOnceAndASecondRightVerifyIsNotValid() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.verify(id, code, "req-v1");
        OtpEvent.CodeChecked first = (OtpEvent.CodeChecked) fx.onlyEvent();
        fx.verify(id, code, "req-v2");
        OtpEvent.CodeChecked second = (OtpEvent.CodeChecked) fx.onlyEvent();

        assertThat(first.valid()).isTrue();
        assertThat(first.requestId()).isEqualTo("req-v1");
        assertThat(first.replyTo()).isEqualTo("auth-2");
        assertThat(first.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
        assertThat(first.challenge().attemptsLeft()).isEqualTo(5);
        assertThat(second.valid()).isFalse();
        assertThat(second.counted()).isFalse();
        assertThat(second.requestId()).isEqualTo("req-v2");
        assertThat(second.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
    }

    @Test
    void wrongCodesCountDownToMaxAttemptsReachedAndThenTheRightCodeIsRefused() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        for (int left = 4; left >= 1; left--) {
            fx.verify(id, TopologyFixture.wrong(code), "req-wrong-" + left);
            OtpEvent.CodeChecked checked = (OtpEvent.CodeChecked) fx.onlyEvent();
            assertThat(checked.valid()).isFalse();
            assertThat(checked.counted()).isTrue();
            assertThat(checked.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
            assertThat(checked.challenge().attemptsLeft()).isEqualTo(left);
        }
        fx.verify(id, "not-even-digits", "req-last-wrong");
        OtpEvent.CodeChecked last = (OtpEvent.CodeChecked) fx.onlyEvent();
        assertThat(last.counted()).isTrue();
        assertThat(last.challenge().status()).isEqualTo(ChallengeStatus.MAX_ATTEMPTS_REACHED);
        assertThat(last.challenge().attemptsLeft()).isZero();

        fx.verify(id, code, "req-right-too-late");
        OtpEvent.CodeChecked refused = (OtpEvent.CodeChecked) fx.onlyEvent();
        assertThat(refused.valid()).isFalse();
        assertThat(refused.counted()).isFalse();
        assertThat(refused.challenge().status()).isEqualTo(ChallengeStatus.MAX_ATTEMPTS_REACHED);
    }

    @Test
    void acceptsTheRightCodeUntilTheLastMillisecondOfItsLifetime() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.advance(Duration.ofMinutes(5).minusMillis(1));
        fx.verify(id, code, "req-v");

        assertThat(((OtpEvent.CodeChecked) fx.onlyEvent()).valid()).isTrue();
    }

    @Test
    void rejectsTheRightCodeAfterItsLifetimeEvenWhenTheSweepHasNotRun() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.advance(Duration.ofMinutes(5));
        fx.verify(id, code, "req-late");

        List<OtpEvent> events = fx.events();
        OtpEvent.CodeChecked checked = (OtpEvent.CodeChecked) events.get(events.size() - 1);
        assertThat(checked.valid()).isFalse();
        assertThat(checked.counted()).isFalse();
        assertThat(checked.requestId()).isEqualTo("req-late");
        assertThat(checked.challenge().status()).isEqualTo(ChallengeStatus.EXPIRED);
        assertThat(checked.challenge().attemptsLeft()).isEqualTo(5);
        // the expiry is announced once, by whoever notices it first
        assertThat(events).filteredOn(OtpEvent.ChallengeExpired.class::isInstance).hasSize(1);
        fx.verify(id, code, "req-later");
        assertThat(fx.events()).singleElement().isInstanceOf(OtpEvent.CodeChecked.class);
    }

    @Test
    void statusReadAppliesTheLifetimeToo() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.createAndReadCode(id);

        fx.status(id, "req-s1");
        OtpEvent.ChallengeState before = (OtpEvent.ChallengeState) fx.onlyEvent();
        fx.advance(Duration.ofMinutes(6));
        fx.status(id, "req-s2");
        List<OtpEvent> after = fx.events();

        assertThat(before.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
        assertThat(before.requestId()).isEqualTo("req-s1");
        assertThat(before.replyTo()).isEqualTo("auth-3");
        assertThat(after).last().isInstanceOfSatisfying(OtpEvent.ChallengeState.class, s -> {
            assertThat(s.requestId()).isEqualTo("req-s2");
            assertThat(s.challenge().status()).isEqualTo(ChallengeStatus.EXPIRED);
        });
    }

    @Test
    void sweepExpiresDueChallengesAndOnlyThose() {
        TopologyFixture fx = fixture(FAST_SWEEP);
        String shortLived = TopologyFixture.newId();
        String longLived = TopologyFixture.newId();
        String approved = TopologyFixture.newId();
        fx.create(shortLived, new OtpPolicy(6, Duration.ofMinutes(1), 5));
        fx.create(longLived, OtpPolicy.DEFAULT);
        fx.create(approved, new OtpPolicy(6, Duration.ofMinutes(1), 5));
        String approvedCode = TopologyFixture.codeOf(fx.smsRequests().get(2));
        fx.verify(approved, approvedCode, "req-approve");
        fx.events();

        fx.advance(Duration.ofSeconds(61));

        List<OtpEvent> events = fx.events();
        assertThat(events).singleElement().isInstanceOfSatisfying(OtpEvent.ChallengeExpired.class, e -> {
            assertThat(e.challengeId()).isEqualTo(shortLived);
            assertThat(e.requestId()).isNull();
            assertThat(e.replyTo()).isNull();
            assertThat(e.challenge().status()).isEqualTo(ChallengeStatus.EXPIRED);
        });
        fx.status(longLived, "req-s");
        assertThat(((OtpEvent.ChallengeState) fx.onlyEvent()).challenge().status())
                .isEqualTo(ChallengeStatus.PENDING);
        fx.advance(Duration.ofMinutes(5));
        assertThat(fx.events()).singleElement().extracting(OtpEvent::challengeId).isEqualTo(longLived);
    }

    @Test
    void finishedChallengesStayReadableForTheRetentionThenArePurgedFromBothStores() {
        TopologyFixture fx = fixture(FAST_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);
        fx.verify(id, code, "req-approve");
        fx.events();

        fx.advance(Duration.ofMinutes(5).plus(ChallengeProcessor.RETENTION).minusSeconds(2));
        fx.status(id, "req-before");
        assertThat(((OtpEvent.ChallengeState) fx.onlyEvent()).challenge().status())
                .isEqualTo(ChallengeStatus.APPROVED);
        assertThat(indexEntries(fx)).hasSize(1);

        fx.advance(Duration.ofSeconds(3));
        fx.status(id, "req-after");

        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND));
        KeyValueStore<String, ChallengeRecord> challenges = fx.driver.getKeyValueStore(ChallengeStore.NAME);
        assertThat(challenges.get(id)).isNull();
        assertThat(indexEntries(fx)).isEmpty();
    }

    private static List<KeyValue<Bytes, byte[]>> indexEntries(TopologyFixture fx) {
        KeyValueStore<Bytes, byte[]> index = fx.driver.getKeyValueStore(ExpiryIndex.STORE);
        try (KeyValueIterator<Bytes, byte[]> all = index.all()) {
            List<KeyValue<Bytes, byte[]>> entries = new java.util.ArrayList<>();
            all.forEachRemaining(entries::add);
            return entries;
        }
    }

    @Test
    void anotherApplicationsChallengeIsNotFoundAndUntouched() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.verifyAs("other-app", id, code);

        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class, r -> {
            assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND);
            assertThat(r.requestId()).isEqualTo("req-other");
            assertThat(r.replyTo()).isEqualTo("auth-2");
        });
        fx.status(id, "req-s");
        OtpEvent.ChallengeState state = (OtpEvent.ChallengeState) fx.onlyEvent();
        assertThat(state.challenge().status()).isEqualTo(ChallengeStatus.PENDING);
        assertThat(state.challenge().attemptsLeft()).isEqualTo(5);
    }

    @Test
    void unknownChallengeIsNotFound() {
        TopologyFixture fx = fixture(NO_SWEEP);

        fx.verify("no-such-challenge", "123456", "req-v");
        fx.status("no-such-challenge", "req-s");

        assertThat(fx.events()).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                        r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND)));
    }

    @Test
    void duplicateCreateIsRejectedAndSendsNoSecondSms() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.create(id, OtpPolicy.DEFAULT);

        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.DUPLICATE));
        assertThat(fx.smsRequests()).isEmpty();
        fx.verify(id, code, "req-v");
        assertThat(((OtpEvent.CodeChecked) fx.onlyEvent()).valid()).isTrue();
    }

    @Test
    void deliveryReportsUpdateTheCurrentMessageOnly() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.create(id, OtpPolicy.DEFAULT);
        fx.events();
        String messageId = fx.smsRequests().get(0).messageId();

        fx.deliveryReport(id, messageId, Delivery.SENT, null);
        OtpEvent.DeliveryUpdated sent = (OtpEvent.DeliveryUpdated) fx.onlyEvent();
        fx.deliveryReport(id, "an-older-message", Delivery.FAILED, "stale");
        List<OtpEvent> afterStale = fx.events();
        fx.deliveryReport("no-such-challenge", messageId, Delivery.SENT, null);
        List<OtpEvent> afterUnknown = fx.events();
        fx.deliveryReport(id, messageId, Delivery.FAILED, "provider said 500");
        OtpEvent.DeliveryUpdated failed = (OtpEvent.DeliveryUpdated) fx.onlyEvent();
        fx.status(id, "req-s");
        OtpEvent.ChallengeState state = (OtpEvent.ChallengeState) fx.onlyEvent();

        assertThat(sent.challenge().delivery()).isEqualTo(Delivery.SENT);
        assertThat(sent.requestId()).isNull();
        assertThat(sent.replyTo()).isNull();
        assertThat(afterStale).isEmpty();
        assertThat(afterUnknown).isEmpty();
        assertThat(failed.challenge().delivery()).isEqualTo(Delivery.FAILED);
        assertThat(failed.challenge().deliveryReason()).isEqualTo("provider said 500");
        assertThat(state.challenge().delivery()).isEqualTo(Delivery.FAILED);
        assertThat(state.challenge().deliveryReason()).isEqualTo("provider said 500");
    }

    @Test
    void malformedCommandsAreDeadLetteredAndProcessingContinues() {
        // TopologyTestDriver discards what is sent in a transaction it never commits, and a skipped
        // record commits nothing: so this runs at-least-once. OtpStreamServiceIT checks the same
        // under exactly-once on a real broker, where the next commit carries the dead letter.
        fx = new TopologyFixture(stateDir, NO_SWEEP, StreamsConfig.AT_LEAST_ONCE);
        String id = TopologyFixture.newId();

        fx.pipeRaw(id, "{not json");
        fx.pipeRaw(id, "{\"type\":\"launch-rockets\",\"challengeId\":\"" + id + "\"}");
        fx.create(id, OtpPolicy.DEFAULT);

        List<byte[]> dead = fx.rawRecordsOf(Topics.DEAD_LETTER.name());
        assertThat(dead).extracting(v -> new String(v, StandardCharsets.UTF_8))
                .containsExactly("{not json", "{\"type\":\"launch-rockets\",\"challengeId\":\"" + id + "\"}");
        assertThat(fx.onlyEvent()).isInstanceOf(OtpEvent.ChallengeCreated.class);
        assertThat(fx.smsRequests()).hasSize(1);
    }

    @Test
    void commandsThatBreakTheContractAreRejectedAndChangeNothing() {
        TopologyFixture fx = fixture(NO_SWEEP);
        String id = TopologyFixture.newId();

        fx.pipeRaw("another-key", "{\"type\":\"create\",\"challengeId\":\"" + id + "\",\"appId\":\"demo\","
                + "\"to\":\"+15551234567\",\"requestId\":\"r1\",\"replyTo\":\"a\"}");
        fx.pipeRaw(id, "{\"type\":\"create\",\"challengeId\":\"" + id + "\",\"appId\":\"demo\","
                + "\"to\":\"5551234567\",\"requestId\":\"r2\",\"replyTo\":\"a\"}");

        assertThat(fx.events()).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                        r -> assertThat(r.reason()).isEqualTo(ChallengeProcessor.INVALID)));
        assertThat(fx.smsRequests()).isEmpty();
        KeyValueStore<String, ChallengeRecord> challenges = fx.driver.getKeyValueStore(ChallengeStore.NAME);
        assertThat(challenges.get(id)).isNull();
    }
}
