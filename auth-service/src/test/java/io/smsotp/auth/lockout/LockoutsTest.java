package io.smsotp.auth.lockout;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.users.TestPostgres;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AuthSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Account lockout on both databases the product runs on: embedded H2 and a real PostgreSQL. */
class LockoutsTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final AuthSettings.Lockout SETTINGS = new AuthSettings.Lockout(10, Duration.ofMinutes(5), Duration.ofMinutes(30));

    @TempDir
    Path dataDir;
    UserStore store;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    Lockouts open(String database) {
        store = UserStore.open(TestPostgres.settings(database), dataDir);
        return new Lockouts(store.dataSource(), SETTINGS);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theTenthConsecutiveWrongCodeLocksForFiveMinutesAndARightCodeBeforeThatResetsTheCount(String database) {
        Lockouts lockouts = open(database);
        String alice = Lockouts.loginAccount("Alice");
        for (int i = 0; i < 9; i++) {
            assertThat(lockouts.recordFailure(alice, T0)).isEmpty();
        }
        lockouts.recordSuccess(alice);
        for (int i = 0; i < 9; i++) {
            assertThat(lockouts.recordFailure(alice, T0)).isEmpty();
        }
        assertThat(lockouts.lockedUntil(alice, T0)).isEmpty();

        assertThat(lockouts.recordFailure(alice, T0)).contains(T0.plus(Duration.ofMinutes(5)));
        assertThat(lockouts.lockedUntil(alice, T0.plusSeconds(299))).contains(T0.plus(Duration.ofMinutes(5)));
        assertThat(lockouts.lockedUntil(Lockouts.loginAccount("alice"), T0)).as("names are matched without case").isPresent();
        assertThat(lockouts.lockedUntil(alice, T0.plusSeconds(300))).as("the lock ends").isEmpty();
        assertThat(lockouts.lockedUntil(Lockouts.loginAccount("bob"), T0)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void eachLockLastsTwiceAsLongAsTheOneBeforeUpToTheCap(String database) {
        Lockouts lockouts = open(database);
        String account = Lockouts.apiAccount("shop", "u1");
        Instant now = T0;
        List<Duration> lengths = new ArrayList<>();
        for (int lock = 0; lock < 5; lock++) {
            Optional<Instant> until = Optional.empty();
            for (int i = 0; i < 10; i++) {
                until = lockouts.recordFailure(account, now);
            }
            lengths.add(Duration.between(now, until.orElseThrow()));
            now = until.get();
        }
        assertThat(lengths).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20),
                Duration.ofMinutes(30), Duration.ofMinutes(30));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void concurrentFailuresOnManyConnectionsAreAllCountedAndLockExactlyOnce(String database) throws Exception {
        Lockouts lockouts = open(database);
        String account = Lockouts.loginAccount("carol");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Optional<Instant>>> calls = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                calls.add(() -> lockouts.recordFailure(account, T0));
            }
            long locks = 0;
            for (Future<Optional<Instant>> f : pool.invokeAll(calls)) {
                locks += f.get().isPresent() ? 1 : 0;
            }
            // 25 failures at a limit of 10: locked at the 10th and the 20th, 5 counted towards the next
            assertThat(locks).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 4; i++) {
            assertThat(lockouts.recordFailure(account, T0)).isEmpty();
        }
        assertThat(lockouts.recordFailure(account, T0)).isPresent();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aChallengeRemembersTheAccountItsCreatorNamed(String database) {
        Lockouts lockouts = open(database);
        lockouts.bindChallenge("ch-1", Lockouts.apiAccount("shop", "u1"), T0.plusSeconds(300), T0);
        assertThat(lockouts.accountOf("ch-1")).contains("api:shop:u1");
        assertThat(lockouts.accountOf("ch-2")).isEmpty();
        // rows an hour past their challenge's expiry go when the next one is written
        lockouts.bindChallenge("ch-3", Lockouts.apiAccount("shop", "u2"), T0.plusSeconds(7200), T0.plusSeconds(300 + 3601));
        assertThat(lockouts.accountOf("ch-1")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void parallelChargesAreAllCountedAndOnlyMaxFailuresAreEverChecked(String database) throws Exception {
        Lockouts lockouts = open(database);
        String bob = Lockouts.loginAccount("bob");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Lockouts.Charge>> charges = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                charges.add(pool.submit(() -> lockouts.charge(bob, Lockouts.Kind.CODE, T0)));
            }
            int counted = 0;
            int last = 0;
            for (Future<Lockouts.Charge> f : charges) {
                if (f.get() instanceof Lockouts.Charge.Counted c) {
                    counted++;
                    last += c.last() ? 1 : 0;
                }
            }
            assertThat(counted).as("attempts let through to be checked").isEqualTo(10);
            assertThat(last).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(lockouts.charge(bob, Lockouts.Kind.CODE, T0.plusSeconds(1)))
                .as("the eleventh locked the account").isInstanceOf(Lockouts.Charge.Locked.class);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRightPasswordEndsOnlyThePasswordRunAndARightCodeEndsBoth(String database) {
        Lockouts lockouts = open(database);
        String carol = Lockouts.loginAccount("carol");
        for (int i = 0; i < 9; i++) {
            Lockouts.Charge.Counted code = (Lockouts.Charge.Counted) lockouts.charge(carol, Lockouts.Kind.CODE, T0);
            assertThat(lockouts.failed(code, T0)).isEmpty();
        }
        Lockouts.Charge.Counted pw = (Lockouts.Charge.Counted) lockouts.charge(carol, Lockouts.Kind.PASSWORD, T0);
        lockouts.succeeded(pw);

        // a known password does not wipe the guessed codes: the tenth wrong code still locks
        Lockouts.Charge.Counted tenth = (Lockouts.Charge.Counted) lockouts.charge(carol, Lockouts.Kind.CODE, T0);
        assertThat(tenth.last()).isTrue();
        assertThat(lockouts.failed(tenth, T0)).contains(T0.plus(Duration.ofMinutes(5)));

        Lockouts.Charge.Counted right = (Lockouts.Charge.Counted) lockouts.charge(carol, Lockouts.Kind.CODE,
                T0.plus(Duration.ofMinutes(6)));
        lockouts.succeeded(right);
        Lockouts.Charge.Counted next = (Lockouts.Charge.Counted) lockouts.charge(carol, Lockouts.Kind.PASSWORD,
                T0.plus(Duration.ofMinutes(6)));
        assertThat(next.last()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAttemptThatWasNeverCheckedIsRefunded(String database) {
        Lockouts lockouts = open(database);
        String dan = Lockouts.loginAccount("dan");
        for (int i = 0; i < 20; i++) {
            lockouts.refund((Lockouts.Charge.Counted) lockouts.charge(dan, Lockouts.Kind.CODE, T0));
        }
        assertThat(lockouts.charge(dan, Lockouts.Kind.CODE, T0)).isInstanceOf(Lockouts.Charge.Counted.class);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void failedPasswordsFromOneAddressAreRefusedUntilTheWindowEnds(String database) {
        open(database);
        PasswordThrottle throttle = new PasswordThrottle(store.dataSource(), new AuthSettings.Throttle(3,
                Duration.ofMinutes(10)));
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.charge("198.51.100.1", T0)).isEmpty();
        }
        assertThat(throttle.charge("198.51.100.1", T0.plusSeconds(1))).contains(T0.plus(Duration.ofMinutes(10)));
        assertThat(throttle.charge("198.51.100.2", T0)).as("another address").isEmpty();
        assertThat(throttle.charge("198.51.100.1", T0.plus(Duration.ofMinutes(10)))).as("a new window").isEmpty();
        throttle.refund("198.51.100.1");
        assertThat(throttle.charge(null, T0)).as("no address, nothing to count").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void parallelPasswordChargesFromOneAddressLetExactlyMaxThroughAndARefusalCountsNothing(String database)
            throws Exception {
        open(database);
        PasswordThrottle throttle = new PasswordThrottle(store.dataSource(), new AuthSettings.Throttle(5,
                Duration.ofMinutes(10)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Optional<Instant>>> charges = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                charges.add(pool.submit(() -> throttle.charge("198.51.100.7", T0)));
            }
            int allowed = 0;
            for (Future<Optional<Instant>> f : charges) {
                allowed += f.get().isEmpty() ? 1 : 0;
            }
            assertThat(allowed).as("password checks let through from one address").isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        // the 25 refusals counted nothing: one refund opens exactly one more check
        throttle.refund("198.51.100.7");
        assertThat(throttle.charge("198.51.100.7", T0.plusSeconds(1))).isEmpty();
        assertThat(throttle.charge("198.51.100.7", T0.plusSeconds(1))).contains(T0.plus(Duration.ofMinutes(10)));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aChargeOnALockedAccountCountsNothing(String database) {
        Lockouts lockouts = open(database);
        String erin = Lockouts.loginAccount("erin");
        for (int i = 0; i < 10; i++) {
            lockouts.failed((Lockouts.Charge.Counted) lockouts.charge(erin, Lockouts.Kind.PASSWORD, T0), T0);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(lockouts.charge(erin, Lockouts.Kind.PASSWORD, T0.plusSeconds(i)))
                    .isEqualTo(new Lockouts.Charge.Locked(T0.plus(Duration.ofMinutes(5))));
        }
        // after the lock a full run of ten is allowed again: the charges while locked were not counted
        Instant after = T0.plus(Duration.ofMinutes(5));
        for (int i = 1; i <= 10; i++) {
            Lockouts.Charge.Counted c = (Lockouts.Charge.Counted) lockouts.charge(erin, Lockouts.Kind.PASSWORD, after);
            assertThat(c.last()).as("charge %d after the lock", i).isEqualTo(i == 10);
            if (i < 10) {
                lockouts.failed(c, after);
            }
        }
    }
}
