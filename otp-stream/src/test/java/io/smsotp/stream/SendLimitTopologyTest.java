package io.smsotp.stream;

import static io.smsotp.stream.TopologyFixture.APP;
import static io.smsotp.stream.TopologyFixture.START;
import static io.smsotp.stream.TopologyFixture.TO;
import static io.smsotp.stream.TopologyFixture.codeOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.stream.challenge.ChallengeRecord;
import io.smsotp.stream.challenge.ChallengeStore;
import io.smsotp.stream.limit.LimitKeys;
import io.smsotp.stream.limit.SendCounts;
import io.smsotp.stream.limit.SendWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The send limits per number, per application and per client IP, through the real topology. */
class SendLimitTopologyTest {

    private static final Duration NO_SWEEP = Duration.ofDays(1);
    private static final int PER_NUMBER = 3;
    private static final Duration NUMBER_WINDOW = Duration.ofMinutes(10);
    private static final int PER_IP = 2;
    private static final Duration IP_WINDOW = Duration.ofMinutes(5);
    private static final RateLimitSettings LIMITS = new RateLimitSettings(
            new RateLimitSettings.Limit(PER_NUMBER, NUMBER_WINDOW), new RateLimitSettings.Limit(PER_IP, IP_WINDOW));
    /** No cooldown, resends enough, and a lifetime long enough to outlast the app window. */
    private static final OtpPolicy RESENDABLE = new OtpPolicy(6, Duration.ofMinutes(10), 5, Duration.ZERO, 5);
    private static final String IP_A = "203.0.113.7";
    private static final String IP_B = "198.51.100.20";

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
        fx = new TopologyFixture(stateDir, sweepInterval, LIMITS);
        return fx;
    }

    private static OtpPolicy appLimited(int perMinute) {
        return new OtpPolicy(6, Duration.ofMinutes(10), 5, Duration.ZERO, 5, false, null, perMinute);
    }

    private static String number(int i) {
        return "+1555000" + String.format("%04d", i);
    }

    /** Creates and says what came back: the created challenge, or the refusal. */
    private OtpEvent create(String to, OtpPolicy policy, String clientIp) {
        String id = TopologyFixture.newId();
        fx.createFor(id, to, policy, clientIp);
        return fx.onlyEvent();
    }

    private OtpEvent.SendRateLimited refused(OtpEvent event) {
        assertThat(event).isInstanceOf(OtpEvent.SendRateLimited.class);
        return (OtpEvent.SendRateLimited) event;
    }

    @Test
    void thePerNumberLimitRefusesASendUntilTheOldestSendLeavesItsWindow() {
        fixture(NO_SWEEP);
        for (int i = 0; i < PER_NUMBER; i++) {
            assertThat(create(TO, OtpPolicy.DEFAULT, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
            fx.advance(Duration.ofMinutes(1));
        }
        assertThat(fx.smsRequests()).hasSize(PER_NUMBER);

        String id = TopologyFixture.newId();
        fx.createFor(id, TO, OtpPolicy.DEFAULT, null);
        OtpEvent.SendRateLimited limited = refused(fx.onlyEvent());

        assertThat(limited.challengeId()).isEqualTo(id);
        assertThat(limited.requestId()).isEqualTo("req-create-" + id);
        assertThat(limited.replyTo()).isEqualTo("auth-1");
        assertThat(limited.limit()).isEqualTo(OtpEvent.SendRateLimited.PER_NUMBER);
        assertThat(limited.retryAt()).isEqualTo(START.plus(NUMBER_WINDOW));
        assertThat(fx.smsRequests()).isEmpty();
        // a refused create leaves no challenge behind
        KeyValueStore<String, ChallengeRecord> challenges = fx.driver.getKeyValueStore(ChallengeStore.NAME);
        assertThat(challenges.get(id)).isNull();
        fx.status(id, "req-s");
        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class,
                r -> assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND));
        // another number is not affected
        assertThat(create(number(1), OtpPolicy.DEFAULT, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);

        fx.advance(Duration.between(START.plus(Duration.ofMinutes(PER_NUMBER)), limited.retryAt()).minusMillis(1));
        assertThat(refused(create(TO, OtpPolicy.DEFAULT, null)).retryAt()).isEqualTo(START.plus(NUMBER_WINDOW));
        fx.advance(Duration.ofMillis(1));
        assertThat(create(TO, OtpPolicy.DEFAULT, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        // the next one waits for the second send, a minute after the first
        assertThat(refused(create(TO, OtpPolicy.DEFAULT, null)).retryAt())
                .isEqualTo(START.plus(Duration.ofMinutes(1)).plus(NUMBER_WINDOW));
    }

    @Test
    void resendsCountTowardsThePerNumberLimitAndARefusedOneLeavesTheChallengeAsItWas() {
        fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        fx.createAndReadCode(id, RESENDABLE);
        fx.resend(id, "req-r1");
        fx.events();
        fx.resend(id, "req-r2");
        fx.events();
        String lastCode = codeOf(fx.smsRequests().get(1));

        fx.resend(id, "req-r3");
        OtpEvent.SendRateLimited limited = refused(fx.onlyEvent());

        assertThat(limited.requestId()).isEqualTo("req-r3");
        assertThat(limited.replyTo()).isEqualTo("auth-4");
        assertThat(limited.limit()).isEqualTo(OtpEvent.SendRateLimited.PER_NUMBER);
        assertThat(limited.retryAt()).isEqualTo(START.plus(NUMBER_WINDOW));
        assertThat(fx.smsRequests()).isEmpty();
        fx.status(id, "req-s");
        OtpEvent.ChallengeState state = (OtpEvent.ChallengeState) fx.onlyEvent();
        assertThat(state.challenge().resendsLeft()).isEqualTo(RESENDABLE.maxResends() - 2);
        fx.verify(id, lastCode, "req-v");
        assertThat(((OtpEvent.CodeChecked) fx.onlyEvent()).valid()).isTrue();
    }

    @Test
    void thePerAppLimitCountsEverySendOfTheApplicationPerMinute() {
        fixture(NO_SWEEP);
        OtpPolicy twoPerMinute = appLimited(2);
        OtpEvent first = create(number(1), twoPerMinute, null);
        fx.advance(Duration.ofSeconds(20));
        fx.resend(first.challengeId(), "req-r");
        assertThat(((OtpEvent.CodeResent) fx.onlyEvent()).sent()).isTrue();

        OtpEvent.SendRateLimited limited = refused(create(number(2), twoPerMinute, null));

        assertThat(limited.limit()).isEqualTo(OtpEvent.SendRateLimited.PER_APP);
        assertThat(limited.retryAt()).isEqualTo(START.plus(Duration.ofMinutes(1)));
        fx.resend(first.challengeId(), "req-r2");
        assertThat(refused(fx.onlyEvent()).limit()).isEqualTo(OtpEvent.SendRateLimited.PER_APP);
        assertThat(fx.smsRequests()).hasSize(2);
        // an application without the setting is not limited by another's
        assertThat(create(number(3), OtpPolicy.DEFAULT, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);

        fx.advance(Duration.ofSeconds(40));
        assertThat(create(number(2), twoPerMinute, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        assertThat(refused(create(number(4), twoPerMinute, null)).retryAt())
                .isEqualTo(START.plus(Duration.ofSeconds(80)));
    }

    @Test
    void thePerIpLimitCountsCreatesAndResendsFromOneClientAddress() {
        fixture(NO_SWEEP);
        OtpEvent first = create(number(1), RESENDABLE, IP_A);
        fx.advance(Duration.ofMinutes(1));
        fx.resendFrom(first.challengeId(), IP_A, "req-r");
        assertThat(((OtpEvent.CodeResent) fx.onlyEvent()).sent()).isTrue();

        OtpEvent.SendRateLimited limited = refused(create(number(2), RESENDABLE, IP_A));

        assertThat(limited.limit()).isEqualTo(OtpEvent.SendRateLimited.PER_IP);
        assertThat(limited.retryAt()).isEqualTo(START.plus(IP_WINDOW));
        fx.resendFrom(first.challengeId(), IP_A, "req-r2");
        assertThat(refused(fx.onlyEvent()).limit()).isEqualTo(OtpEvent.SendRateLimited.PER_IP);
        // another address, or none, is not limited by it; the same resend from elsewhere goes out
        assertThat(create(number(2), RESENDABLE, IP_B)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        assertThat(create(number(3), RESENDABLE, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        fx.resendFrom(first.challengeId(), IP_B, "req-r3");
        assertThat(((OtpEvent.CodeResent) fx.onlyEvent()).sent()).isTrue();

        fx.advance(Duration.ofMinutes(4));
        assertThat(create(number(4), RESENDABLE, IP_A)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        assertThat(refused(create(number(5), RESENDABLE, IP_A)).retryAt())
                .isEqualTo(START.plus(Duration.ofMinutes(1)).plus(IP_WINDOW));
    }

    @Test
    void aSendRefusedByALaterLimitDoesNotCountAgainstTheEarlierOnes() {
        fixture(NO_SWEEP);
        OtpPolicy onePerMinute = appLimited(1);
        assertThat(create(TO, onePerMinute, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        for (int i = 0; i < 5; i++) {
            // each passes the number's limit (1 of 3 used), then meets the app's
            assertThat(refused(create(TO, onePerMinute, null)).limit()).isEqualTo(OtpEvent.SendRateLimited.PER_APP);
        }

        assertThat(window(keys().number(TO)).count()).isEqualTo(1);
        fx.advance(Duration.ofMinutes(1));
        assertThat(create(TO, onePerMinute, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        fx.advance(Duration.ofMinutes(1));
        assertThat(create(TO, onePerMinute, null)).isInstanceOf(OtpEvent.ChallengeCreated.class);
        fx.advance(Duration.ofMinutes(1));
        assertThat(refused(create(TO, onePerMinute, null)).limit()).isEqualTo(OtpEvent.SendRateLimited.PER_NUMBER);
    }

    @Test
    void aResendOfAChallengeThatIsNoLongerPendingSendsNothingAndCountsNothing() {
        fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id, RESENDABLE);
        fx.verify(id, code, "req-v");
        assertThat(((OtpEvent.CodeChecked) fx.onlyEvent()).valid()).isTrue();

        fx.resendFrom(id, IP_A, "req-r");

        OtpEvent.CodeResent answer = (OtpEvent.CodeResent) fx.onlyEvent();
        assertThat(answer.sent()).isFalse();
        assertThat(answer.refusal()).isEqualTo(OtpEvent.CodeResent.NOT_PENDING);
        assertThat(answer.requestId()).isEqualTo("req-r");
        assertThat(answer.challenge().status()).isEqualTo(ChallengeStatus.APPROVED);
        assertThat(fx.smsRequests()).isEmpty();
        // the challenge's own rules refused it before any limit counted it
        assertThat(window(keys().number(TO)).count()).isEqualTo(1);
        assertThat(window(keys().ip(IP_A))).isNull();
    }

    @Test
    void aSecondCreateOfOneIdIsADuplicateThatSendsAndCountsNothing() {
        fixture(NO_SWEEP);
        String id = TopologyFixture.newId();
        String code = fx.createAndReadCode(id);

        fx.createFor(id, TO, OtpPolicy.DEFAULT, IP_A);

        assertThat(fx.onlyEvent()).isInstanceOfSatisfying(OtpEvent.CommandRejected.class, r -> {
            assertThat(r.reason()).isEqualTo(OtpEvent.CommandRejected.DUPLICATE);
            assertThat(r.requestId()).isEqualTo("req-create-" + id);
        });
        assertThat(fx.smsRequests()).isEmpty();
        assertThat(window(keys().number(TO)).count()).isEqualTo(1);
        assertThat(window(keys().ip(IP_A))).isNull();
        fx.verify(id, code, "req-v");
        assertThat(((OtpEvent.CodeChecked) fx.onlyEvent()).valid()).isTrue();
    }

    @Test
    void aSendIsCountedOnlyUnderTheLimitsThatApplyToIt() {
        fixture(NO_SWEEP);

        create(number(1), OtpPolicy.DEFAULT, null);
        List<String> numberOnly = storeKeys();
        create(number(2), appLimited(100), null);
        List<String> withApp = storeKeys();
        create(number(3), appLimited(100), IP_A);
        List<String> all = storeKeys();

        assertThat(numberOnly).containsExactlyInAnyOrder(keys().number(number(1)));
        assertThat(withApp).containsExactlyInAnyOrder(keys().number(number(1)), keys().number(number(2)),
                keys().app(APP));
        assertThat(all).containsExactlyInAnyOrder(keys().number(number(1)), keys().number(number(2)),
                keys().number(number(3)), keys().app(APP), keys().ip(IP_A));
        assertThat(window(keys().app(APP)).count()).isEqualTo(2);
    }

    @Test
    void limitKeysHoldNeitherTheNumberNorTheIpAndAreForgottenOnceTheirWindowHasPassed() {
        fixture(Duration.ofSeconds(1));
        create(TO, appLimited(100), IP_A);

        List<String> keys = storeKeys();
        assertThat(keys).containsExactlyInAnyOrder(keys().number(TO), keys().app(APP), keys().ip(IP_A));
        assertThat(String.join(" ", keys)).doesNotContain(TO.substring(1)).doesNotContain("203.0.113");
        List<byte[]> changelog = fx.rawRecordsOf("otp-stream-test-" + SendCounts.STORE + "-changelog");
        assertThat(changelog).isNotEmpty();

        fx.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(storeKeys()).containsExactlyInAnyOrder(keys().number(TO), keys().ip(IP_A));
        fx.advance(IP_WINDOW);
        assertThat(storeKeys()).containsExactly(keys().number(TO));
        fx.advance(NUMBER_WINDOW);
        assertThat(storeKeys()).isEmpty();
        assertThat(indexSize()).isZero();
    }

    private LimitKeys keys() {
        return new LimitKeys(fx.settings.codeHmacKeyBytes());
    }

    private SendWindow window(String key) {
        return fx.limitStore().get(key);
    }

    private List<String> storeKeys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, SendWindow> all = fx.limitStore().all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private int indexSize() {
        KeyValueStore<Object, Object> index = fx.driver.getKeyValueStore(SendCounts.EXPIRY_STORE);
        int n = 0;
        try (KeyValueIterator<Object, Object> all = index.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }
}
