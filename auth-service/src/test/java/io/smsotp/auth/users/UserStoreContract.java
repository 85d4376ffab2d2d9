package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.DatabaseSettings;
import io.smsotp.config.UserConfig;
import io.smsotp.config.UserConfig.Claims;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the user store promises, on a real database; a subclass per database. */
abstract class UserStoreContract {

    @TempDir
    Path dataDir;
    DatabaseSettings settings;
    UserStore store;

    /** Settings for a fresh, empty database. */
    abstract DatabaseSettings newDatabase();

    /** A plain JDBC connection to the same database, to look at what the store wrote. */
    abstract Connection connect(DatabaseSettings settings, Path dataDir) throws SQLException;

    @BeforeEach
    void openStore() {
        settings = newDatabase();
        store = UserStore.open(settings, dataDir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static UserConfig user(String name, String password, String mobile, Boolean disable, String codes) {
        return new UserConfig(name, password, null, new Claims(mobile, disable, codes));
    }

    @Test
    void appliesTheMigrationsOnceAndKeepsUsersAcrossRestarts() throws Exception {
        store.upsert(user("alice", "correct horse", "+15551234567", null, null));
        store.close();
        store = UserStore.open(settings, dataDir);

        assertThat(store.find("alice")).isPresent();
        try (Connection c = connect(settings, dataDir);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            // V1 users, V2 the OIDC provider's codes and tokens, V3 account lockout, V4 the granted OIDC
            // scope, V5 login security, V6 roles, V7 sign-ins
            List<String> applied = new java.util.ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getBoolean(2)).as("migration %s", rs.getString(1)).isTrue();
                applied.add(rs.getString(1));
            }
            assertThat(applied).as("each migration applied once, in order")
                    .containsExactly("1", "2", "3", "4", "5", "6", "7");
        }
    }

    @Test
    void keepsTheNewestFiftySignInsOfEachUserNewestFirst() {
        store.upsert(user("alice", "correct horse", "+15551234567", null, null));
        store.upsert(user("bob", "battery staple", "+15557654321", null, null));
        SignIns signIns = new SignIns(store.dataSource());
        java.time.Instant start = java.time.Instant.parse("2030-01-01T10:00:00Z");
        signIns.record("bob", new SignIns.SignIn(start, "portal", "198.51.100.7"));
        for (int i = 1; i <= SignIns.KEPT + 3; i++) {
            signIns.record("Alice", new SignIns.SignIn(start.plusSeconds(i), "app-" + i, i % 2 == 0 ? "203.0.113." + i
                    : null));
        }

        List<SignIns.SignIn> alice = signIns.recent("alice", 100);
        assertThat(alice).hasSize(SignIns.KEPT);
        assertThat(alice.get(0)).isEqualTo(new SignIns.SignIn(start.plusSeconds(53), "app-53", null));
        assertThat(alice.get(1)).isEqualTo(new SignIns.SignIn(start.plusSeconds(52), "app-52", "203.0.113.52"));
        assertThat(alice.get(SignIns.KEPT - 1).appId()).as("the oldest three are gone").isEqualTo("app-4");
        assertThat(signIns.recent("alice", 10)).hasSize(10).first().isEqualTo(alice.get(0));
        assertThat(signIns.recent("bob", 100)).as("another user's are kept apart")
                .containsExactly(new SignIns.SignIn(start, "portal", "198.51.100.7"));
    }

    @Test
    void acceptsTheRightPasswordOnlyAndMatchesUsernamesWithoutCase() {
        store.upsert(user("Alice", "correct horse", "+15551234567", null, null));

        assertThat(store.checkPassword("alice", "correct horse")).hasValueSatisfying(u -> {
            assertThat(u.username()).isEqualTo("Alice");
            assertThat(u.mobile()).isEqualTo("+15551234567");
            assertThat(u.disableSmsOtp()).isFalse();
        });
        assertThat(store.checkPassword("ALICE", "correct horse")).isPresent();
        assertThat(store.checkPassword("alice", "Correct horse")).isEmpty();
        assertThat(store.checkPassword("alice", "")).isEmpty();
    }

    @Test
    void anUnknownUserAndAWrongPasswordBothGiveNothing() {
        store.upsert(user("alice", "correct horse", null, null, null));

        assertThat(store.checkPassword("mallory", "correct horse")).isEmpty();
        assertThat(store.checkPassword("alice", "wrong horse")).isEmpty();
        assertThat(store.checkPassword("no such user with spaces", "x")).isEmpty();
        assertThat(store.find("mallory")).isEmpty();
    }

    @Test
    void storesArgon2idAtOwaspMinimumWithARandomSalt() throws Exception {
        store.upsert(user("alice", "correct horse", null, null, null));
        store.upsert(user("bob", "correct horse", null, null, null));

        List<String> hashes = storedHashes();
        assertThat(hashes).hasSize(2).allSatisfy(h -> {
            assertThat(h).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
            String[] parts = h.split("\\$");
            assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
            assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
            assertThat(h).doesNotContain("correct horse");
        });
        assertThat(hashes.get(0)).as("same password, different salt").isNotEqualTo(hashes.get(1));
    }

    @Test
    void acceptsAPasswordHashFromTheConfigAndRefusesAWeakOne() {
        String phc = new PasswordHasher().hash("from config".toCharArray());
        store.upsert(new UserConfig("carol", null, phc, null));
        assertThat(store.checkPassword("carol", "from config")).isPresent();

        String weak = phc.replace("m=19456,t=2", "m=4096,t=1");
        assertThatThrownBy(() -> store.upsert(new UserConfig("dave", null, weak, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OWASP")
                .hasMessageNotContaining(weak.substring(weak.lastIndexOf('$')));
        assertThat(store.find("dave")).isEmpty();
    }

    @Test
    void acceptsEachBackupCodeOnceThenItIsGone() {
        store.upsert(user("alice", "pw", null, null, null));

        assertThat(store.setBackupCodes("alice", "10300, 21390,007")).isEqualTo(3);
        assertThat(store.find("alice").orElseThrow().backupCodesLeft()).isEqualTo(3);

        assertThat(store.useBackupCode("alice", "10300")).isTrue();
        assertThat(store.useBackupCode("alice", "10300")).as("second use").isFalse();
        assertThat(store.useBackupCode("ALICE", " 007 ")).isTrue();
        assertThat(store.useBackupCode("alice", "7")).as("leading zeros count").isFalse();
        assertThat(store.useBackupCode("alice", "99999")).isFalse();
        assertThat(store.useBackupCode("alice", "21390x")).isFalse();
        assertThat(store.find("alice").orElseThrow().backupCodesLeft()).isEqualTo(1);
    }

    @Test
    void oneUsersBackupCodesDoNotWorkForAnother() {
        store.upsert(user("alice", "pw", null, null, "10300"));
        store.upsert(user("bob", "pw", null, null, null));

        assertThat(store.useBackupCode("bob", "10300")).isFalse();
        assertThat(store.useBackupCode("mallory", "10300")).isFalse();
        assertThat(store.useBackupCode("alice", "10300")).isTrue();
    }

    @Test
    void twoConcurrentUsesOfACodeCannotBothSucceed() throws Exception {
        store.upsert(user("alice", "pw", null, null, null));
        int codeCount = 20;
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < codeCount; i++) {
            codes.add(String.valueOf(100_000 + i));
        }
        store.setBackupCodes("alice", String.join(",", codes));

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (String code : codes) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> uses = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Callable<Boolean> use = () -> {
                        go.await();
                        return store.useBackupCode("alice", code);
                    };
                    uses.add(pool.submit(use));
                }
                go.countDown();
                int accepted = 0;
                for (Future<Boolean> f : uses) {
                    accepted += f.get() ? 1 : 0;
                }
                assertThat(accepted).as("uses of one code that were accepted").isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.find("alice").orElseThrow().backupCodesLeft()).isZero();
    }

    @Test
    void refusesBadBackupCodesWithoutEchoingThem() {
        store.upsert(user("alice", "pw", null, null, "111"));

        assertThatThrownBy(() -> store.setBackupCodes("alice", "48151a, 62342"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 1").hasMessageContaining("digits")
                .hasMessageNotContaining("48151").hasMessageNotContaining("62342");
        assertThatThrownBy(() -> store.setBackupCodes("alice", "48151,,62342"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 2 is empty");
        assertThatThrownBy(() -> store.setBackupCodes("alice", "48151 62342"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("48151");
        assertThatThrownBy(() -> store.setBackupCodes("alice", "48151,48151"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeats");
        assertThatThrownBy(() -> store.setBackupCodes("nobody", "48151"))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("nobody");
        assertThat(store.useBackupCode("alice", "111")).as("a refused list leaves the old codes").isTrue();
    }

    @Test
    void importIsIdempotentAndDoesNotBringBackUsedCodes() {
        List<UserConfig> config = List.of(
                user("alice", "first password", "+15551234567", true, "111, 222"),
                user("bob", "bob password", null, null, null));
        store.importUsers(config);
        assertThat(store.useBackupCode("alice", "111")).isTrue();

        store.importUsers(config);

        User alice = store.find("alice").orElseThrow();
        assertThat(alice.backupCodesLeft()).isEqualTo(1);
        assertThat(store.useBackupCode("alice", "111")).as("used before the restart").isFalse();
        assertThat(alice.mobile()).isEqualTo("+15551234567");
        assertThat(alice.disableSmsOtp()).isTrue();
        assertThat(store.checkPassword("alice", "first password")).isPresent();
        assertThat(store.find("bob").orElseThrow().disableSmsOtp()).isFalse();
    }

    @Test
    void reimportUpdatesPasswordAndGivenClaimsAndKeepsWhatTheConfigLeavesOut() {
        store.importUsers(List.of(user("alice", "first password", "+15551234567", true, "111")));
        store.setMobile("alice", "+447700900123");

        store.importUsers(List.of(user("alice", "second password", null, false, "333, 444")));

        User alice = store.find("alice").orElseThrow();
        assertThat(store.checkPassword("alice", "first password")).isEmpty();
        assertThat(store.checkPassword("alice", "second password")).isPresent();
        assertThat(alice.mobile()).as("a number the config does not give is kept").isEqualTo("+447700900123");
        assertThat(alice.disableSmsOtp()).isFalse();
        assertThat(alice.backupCodesLeft()).as("a changed list replaces the codes").isEqualTo(2);
        assertThat(store.useBackupCode("alice", "111")).isFalse();
        assertThat(store.useBackupCode("alice", "444")).isTrue();
    }

    @Test
    void setsClaimsAndRefusesABadMobileWithoutEchoingIt() {
        store.upsert(user("alice", "pw", null, null, null));

        store.setMobile("alice", "+15551234567");
        store.setDisableSmsOtp("alice", true);
        assertThat(store.find("alice").orElseThrow()).satisfies(u -> {
            assertThat(u.mobileNumber()).contains("+15551234567");
            assertThat(u.disableSmsOtp()).isTrue();
        });
        store.setMobile("alice", null);
        assertThat(store.find("alice").orElseThrow().mobileNumber()).isEmpty();

        assertThatThrownBy(() -> store.setMobile("alice", "0555 1234 567"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("E.164").hasMessageNotContaining("1234");
        assertThatThrownBy(() -> store.setMobile("alice", "+1555"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mobile");
        assertThatThrownBy(() -> store.setDisableSmsOtp("nobody", true)).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> store.setMobile("nobody", "+15551234567")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void changesAPassword() {
        store.upsert(user("alice", "old", null, null, null));
        store.setPassword("alice", "new");
        assertThat(store.checkPassword("alice", "old")).isEmpty();
        assertThat(store.checkPassword("alice", "new")).isPresent();
        assertThatThrownBy(() -> store.setPassword("alice", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToOpenWithAnotherBackupCodeKey() throws Exception {
        store.upsert(user("alice", "pw", null, null, "10300"));
        store.close();
        Path keyFile = dataDir.resolve(StoreKey.FILE_NAME);
        String original = Files.readString(keyFile);
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]));

        assertThatThrownBy(() -> UserStore.open(settings, dataDir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(StoreKey.FILE_NAME);

        Files.writeString(keyFile, original);
        store = UserStore.open(settings, dataDir);
        assertThat(store.useBackupCode("alice", "10300")).as("with the right key the code still works").isTrue();
    }

    @Test
    void keepsSecretsOutOfToString() {
        UserConfig config = user("alice", "hunter2-password", "+15551234567", null, "10300,21390");
        User alice = store.upsert(config);

        assertThat(alice.toString() + config + store + settings).doesNotContain("hunter2-password", "10300", "21390",
                "+15551234567").contains("alice", "4567");
    }

    private List<String> storedHashes() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(settings, dataDir);
             PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users ORDER BY username_key");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void aCapturedNumberIsMarkedAuditedAndOnlyForCapturingAppsUntilTheOperatorConfirmsIt() {
        store.upsert(user("nina", "correct horse", null, null, null));
        java.time.Instant now = java.time.Instant.parse("2026-11-30T10:00:00Z");

        store.captureMobile("nina", "+15551230001", "shop", now);

        User nina = store.find("nina").orElseThrow();
        assertThat(nina.mobileCapturedBy()).isEqualTo("shop");
        assertThat(nina.mobileNumberFor(true)).contains("+15551230001");
        assertThat(nina.mobileNumberFor(false)).as("an app without capture").isEmpty();
        assertThat(store.audit(10)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("mobile.captured");
            assertThat(e.subject()).isEqualTo("nina");
            assertThat(e.detail()).contains("app=shop").doesNotContain("15551230001");
            assertThat(e.at()).isEqualTo(now);
        });

        store.confirmMobile("nina", "operator", now.plusSeconds(60));
        assertThat(store.find("nina").orElseThrow().mobileNumberFor(false)).contains("+15551230001");
        assertThat(store.audit(10)).extracting(AuditEntry::action).containsExactly("mobile.confirmed", "mobile.captured");
    }

    @Test
    void theOperatorsNumberFromTheConfigReplacesACapturedOneAndNumbersAreCounted() {
        store.upsert(user("omar", "correct horse", null, null, null));
        store.captureMobile("omar", "+15551230002", "shop", java.time.Instant.now());
        store.upsert(user("omar", "correct horse", "+15551230003", null, null));
        store.upsert(user("otto", "correct horse", "+15551230003", null, null));

        assertThat(store.find("omar").orElseThrow().mobileCapturedBy()).isNull();
        assertThat(store.countWithMobile("+15551230003")).isEqualTo(2);
        assertThat(store.countWithMobile("+15551230002")).isZero();
    }
}
