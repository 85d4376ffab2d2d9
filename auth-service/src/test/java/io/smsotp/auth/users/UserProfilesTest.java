package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.auth.Jdbc;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.ConfigException;
import io.smsotp.config.UserConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator's side of the user store on both databases the product runs on. */
class UserProfilesTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Consumer<UserProfiles.Change> NO_AUDIT = change -> { };
    static final ProfileEdit PLAIN = new ProfileEdit(null, false, null);

    @TempDir
    Path dataDir;
    UserStore store;
    UserProfiles profiles;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    void open(String database) {
        store = UserStore.open(TestPostgres.settings(database), dataDir);
        profiles = store.profiles();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void importsRolesFromTheConfigAndKeepsThemWhenTheConfigLeavesThemOut(String database) {
        open(database);
        store.importUsers(List.of(new UserConfig("Alice", "pw", null,
                new UserConfig.Claims(null, null, null, List.of("ops", "admin")))));
        assertThat(profiles.find("alice", NOW).orElseThrow().roles()).containsExactly("admin", "ops");

        store.importUsers(List.of(new UserConfig("Alice", "pw", null, new UserConfig.Claims(null, true, null))));
        assertThat(profiles.find("alice", NOW).orElseThrow().roles()).as("roles absent: kept").containsExactly("admin", "ops");

        store.importUsers(List.of(new UserConfig("Alice", "pw", null, new UserConfig.Claims(null, null, null, List.of()))));
        assertThat(profiles.find("alice", NOW).orElseThrow().roles()).as("an empty list: none").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void createsAUserWhoCanLogInAndRefusesTheSameNameInAnyCase(String database) {
        open(database);
        List<UserProfiles.Change> audited = new ArrayList<>();

        UserProfiles.Change made = profiles.create("Bea", "bea-password-1",
                new ProfileEdit("+15551234567", true, List.of("admin")), NOW, audited::add);

        assertThat(made.before()).isNull();
        assertThat(made.after()).isEqualTo(new UserProfile("Bea", "+15551234567", true, List.of("admin"), 0, null));
        assertThat(audited).containsExactly(made);
        assertThat(store.checkPassword("bea", "bea-password-1")).isPresent();
        assertThatThrownBy(() -> profiles.create("BEA", "other", PLAIN, NOW, audited::add))
                .isInstanceOfSatisfying(UserChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(UserChangeException.Reason.EXISTS));
        assertThat(store.checkPassword("bea", "other")).isEmpty();
        assertThat(audited).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void searchesUsernamesWithoutCaseAndNumbersAPageAtATime(String database) {
        open(database);
        for (int i = 0; i < 12; i++) {
            profiles.create(String.format("User%02d", i), "pw", new ProfileEdit("+1555123" + (4500 + i), false, null),
                    NOW, NO_AUDIT);
        }
        profiles.create("odd_one%", "pw", PLAIN, NOW, NO_AUDIT);

        UserProfiles.Page page = profiles.list("USER", 5, 5, NOW);
        assertThat(page.total()).isEqualTo(12);
        assertThat(page.items()).extracting(UserProfile::username)
                .containsExactly("User05", "User06", "User07", "User08", "User09");
        assertThat(profiles.list("", 0, 2, NOW).items()).extracting(UserProfile::username)
                .containsExactly("odd_one%", "User00");
        assertThat(profiles.list("", 10, 5, NOW)).satisfies(p -> {
            assertThat(p.items()).extracting(UserProfile::username).containsExactly("User09", "User10", "User11");
            assertThat(p.total()).isEqualTo(13);
        });
        assertThat(profiles.list("1234510", 0, 50, NOW).items()).extracting(UserProfile::username)
                .containsExactly("User10");
        // LIKE's wildcards in the query are plain characters
        assertThat(profiles.list("_one%", 0, 50, NOW).items()).extracting(UserProfile::username)
                .containsExactly("odd_one%");
        assertThat(profiles.list("e_0", 0, 50, NOW).total()).isZero();
        assertThat(profiles.list("nobody", 0, 50, NOW)).satisfies(p -> {
            assertThat(p.items()).isEmpty();
            assertThat(p.total()).isZero();
        });
    }

    @ParameterizedTest
    @MethodSource("databases")
    void replacesTheProfileOnlyFromItsCurrentVersion(String database) {
        open(database);
        UserProfile cara = profiles.create("cara", "pw", new ProfileEdit("+15551234567", false, List.of("ops")), NOW,
                NO_AUDIT).after();

        UserProfiles.Change changed = profiles.replace("CARA", cara.version()::equals,
                new ProfileEdit(null, true, List.of("admin", "auditor")), NOW, NO_AUDIT);

        assertThat(changed.before()).isEqualTo(cara);
        assertThat(changed.after()).isEqualTo(new UserProfile("cara", null, true, List.of("admin", "auditor"), 0, null));
        assertThat(changed.after().version()).isNotEqualTo(cara.version());
        assertThat(profiles.find("cara", NOW)).contains(changed.after());
        assertThatThrownBy(() -> profiles.replace("cara", cara.version()::equals, PLAIN, NOW, NO_AUDIT))
                .isInstanceOfSatisfying(UserChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(UserChangeException.Reason.STALE));
        assertThat(profiles.find("cara", NOW)).as("a stale replace changes nothing").contains(changed.after());
        assertThatThrownBy(() -> profiles.replace("nobody", null, PLAIN, NOW, NO_AUDIT))
                .isInstanceOfSatisfying(UserChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(UserChangeException.Reason.NOT_FOUND));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void ofTwoEditsFromOneVersionTheSecondWaitsForTheFirstAndIsRefused(String database) throws Exception {
        open(database);
        String version = profiles.create("dora", "pw", PLAIN, NOW, NO_AUDIT).after().version();
        CountDownLatch firstHoldsTheRow = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        List<Object> outcomes = new CopyOnWriteArrayList<>();

        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> outcomes.add(profiles.replace("dora",
                version::equals, new ProfileEdit(null, false, List.of("first")), NOW, change -> {
                    firstHoldsTheRow.countDown();
                    try {
                        // a store without the row lock lets the second edit finish meanwhile
                        secondDone.await(300, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })));
        assertThat(firstHoldsTheRow.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            outcomes.add(profiles.replace("dora", version::equals, new ProfileEdit(null, false, List.of("second")),
                    NOW, NO_AUDIT));
        } catch (UserChangeException e) {
            outcomes.add(e.reason());
        }
        secondDone.countDown();
        first.get(10, TimeUnit.SECONDS);

        assertThat(outcomes).hasSize(2).containsOnlyOnce(UserChangeException.Reason.STALE);
        assertThat(profiles.find("dora", NOW).orElseThrow().roles()).containsExactly("first");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void newBackupCodesAreTenOfEightDigitsEachGoodOnceAtLogin(String database) {
        open(database);
        store.upsert(new UserConfig("eve", "pw", null, new UserConfig.Claims(null, null, "111,222")));

        UserProfiles.IssuedCodes issued = profiles.newBackupCodes("eve", null, NOW, NO_AUDIT);

        assertThat(issued.codes()).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[0-9]{8}"));
        assertThat(issued.change().before().backupCodesLeft()).isEqualTo(2);
        assertThat(issued.change().after().backupCodesLeft()).isEqualTo(10);
        assertThat(issued.toString()).doesNotContain(issued.codes().get(0));
        assertThat(store.useBackupCode("eve", "111")).as("the old codes are replaced").isFalse();
        assertThat(store.useBackupCode("eve", issued.codes().get(3))).isTrue();
        assertThat(store.useBackupCode("eve", issued.codes().get(3))).isFalse();
        assertThat(profiles.find("eve", NOW).orElseThrow().backupCodesLeft()).isEqualTo(9);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void unlockLiftsTheLoginsLockAndItsFailureCounts(String database) {
        open(database);
        profiles.create("Finn", "pw", PLAIN, NOW, NO_AUDIT);
        Lockouts lockouts = new Lockouts(store.dataSource(), new AuthSettings.Lockout(3, Duration.ofMinutes(5),
                Duration.ofMinutes(30)));
        String account = Lockouts.loginAccount("Finn");
        failPasswords(lockouts, account, 3);
        UserProfile locked = profiles.find("finn", NOW).orElseThrow();
        assertThat(locked.lockedUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(profiles.find("finn", NOW.plus(Duration.ofMinutes(6))).orElseThrow().locked())
                .as("a lock that ended").isFalse();

        UserProfiles.Change change = profiles.unlock("finn", locked.version()::equals, NOW, NO_AUDIT);

        assertThat(change.before().locked()).isTrue();
        assertThat(change.after().locked()).isFalse();
        assertThat(lockouts.lockedUntil(account, NOW)).isEmpty();
        // two failures counted, then an unlock: the count starts again, so two more do not lock
        failPasswords(lockouts, account, 2);
        profiles.unlock("finn", null, NOW, NO_AUDIT);
        failPasswords(lockouts, account, 2);
        assertThat(lockouts.lockedUntil(account, NOW)).isEmpty();
        failPasswords(lockouts, account, 1);
        assertThat(lockouts.lockedUntil(account, NOW)).as("the earlier lock still counts: a longer one")
                .contains(NOW.plus(Duration.ofMinutes(10)));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void deleteTakesTheUserWithRolesCodesLockAndGrants(String database) throws Exception {
        open(database);
        store.upsert(new UserConfig("Gus", "pw", null, new UserConfig.Claims(null, null, "111", List.of("admin"))));
        Lockouts lockouts = new Lockouts(store.dataSource(), new AuthSettings.Lockout(3, Duration.ofMinutes(5),
                Duration.ofMinutes(30)));
        failPasswords(lockouts, Lockouts.loginAccount("gus"), 1);
        try (Connection c = store.dataSource().getConnection()) {
            Jdbc.execute(c, "INSERT INTO oidc_access_tokens (token_hash, client_id, subject, username, expires_at)"
                    + " VALUES ('t1', 'shop', 'Gus', 'Gus', ?)", NOW.plusSeconds(600).toEpochMilli());
            Jdbc.execute(c, "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, subject, username, amr,"
                    + " auth_time, expires_at) VALUES ('c1', 'shop', 'http://x/cb', 'Gus', 'Gus', 'pwd', 0, ?)",
                    NOW.plusSeconds(60).toEpochMilli());
        }

        UserProfiles.Change change = profiles.delete("GUS", null, NOW, NO_AUDIT);

        assertThat(change.before().roles()).containsExactly("admin");
        assertThat(change.after()).isNull();
        assertThat(profiles.find("gus", NOW)).isEmpty();
        try (Connection c = store.dataSource().getConnection()) {
            for (String table : List.of("users", "user_roles", "backup_codes", "lockouts", "oidc_codes",
                    "oidc_access_tokens")) {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as(table).isZero();
                }
            }
        }
        assertThatThrownBy(() -> profiles.delete("gus", null, NOW, NO_AUDIT))
                .isInstanceOfSatisfying(UserChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(UserChangeException.Reason.NOT_FOUND));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aChangeWhoseAuditFailsIsNotMade(String database) {
        open(database);
        profiles.create("hal", "pw", PLAIN, NOW, NO_AUDIT);

        assertThatThrownBy(() -> profiles.replace("hal", null, new ProfileEdit(null, true, List.of("admin")), NOW,
                change -> {
                    throw new IllegalStateException("audit log away");
                })).hasMessage("audit log away");
        assertThatThrownBy(() -> profiles.create("ida", "pw", PLAIN, NOW, change -> {
            throw new IllegalStateException("audit log away");
        })).hasMessage("audit log away");

        assertThat(profiles.find("hal", NOW).orElseThrow().roles()).isEmpty();
        assertThat(profiles.find("ida", NOW)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aProfileEditNamesTheBadFieldAndNeverEchoesTheNumber() {
        assertThatThrownBy(() -> new ProfileEdit("+1555", false, null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("claims.mobile");
        assertThatThrownBy(() -> new ProfileEdit("0044 7700 900123", false, null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("claims.mobile").hasMessageNotContaining("7700");
        assertThatThrownBy(() -> new ProfileEdit(null, false, List.of("admin", "Root"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("claims.roles[1]");
    }

    private static void failPasswords(Lockouts lockouts, String account, int times) {
        for (int i = 0; i < times; i++) {
            if (lockouts.charge(account, Lockouts.Kind.PASSWORD, NOW) instanceof Lockouts.Charge.Counted counted) {
                lockouts.failed(counted, NOW);
            }
        }
    }
}
