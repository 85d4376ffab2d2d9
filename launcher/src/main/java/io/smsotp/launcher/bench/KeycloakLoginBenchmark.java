package io.smsotp.launcher.bench;

import io.smsotp.launcher.Options;
import io.smsotp.launcher.bench.LoginBenchmark.HashSetting;
import io.smsotp.launcher.bench.LoginBenchmark.Row;
import io.smsotp.lifecycle.CommonPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The other side of {@link LoginBenchmark}'s comparison, run on the same machine on the same day:
 * the same closed-loop OpenID Connect logins (a new cookie jar each, authorize through token, PKCE
 * and {@code client_secret_basic}) against a Keycloak server in a JVM of its own, with a second
 * factor (Keycloak's TOTP, as it has no SMS) and its default Argon2id (m=7168 KiB, t=5, p=1). The
 * table has {@link LoginBenchmark}'s columns: logins per second, p50/p99 and logins per CPU second
 * of the server's process, the median over {@code --jvms} fresh server JVMs.
 *
 * <p>Options: {@code --keycloak-home DIR} (required: {@code org.keycloak:keycloak-quarkus-dist}'s
 * zip unpacked), {@code --concurrency 4,8,16 --seconds 20 --warmup-seconds 60 --jvms 3 --users 3000}.
 * Run with: {@code java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.KeycloakLoginBenchmark
 * --keycloak-home /path/to/keycloak-26.7.3}
 */
public final class KeycloakLoginBenchmark {

    static {
        CommonPool.ensureParallel();
    }

    private static final Set<String> OPTIONS = Set.of("keycloak-home", "concurrency", "seconds", "warmup-seconds",
            "jvms", "users");
    /** Keycloak's default password hash, the row's label in both benchmarks' tables. */
    static final HashSetting KEYCLOAK_HASH = LoginBenchmark.HASHES.stream()
            .filter(h -> h.name().equals("keycloak")).findFirst().orElseThrow();

    public static void main(String[] args) throws Exception {
        Options o = Options.parse("keycloak-login-benchmark", args, OPTIONS);
        Path home = Path.of(o.get("keycloak-home", ""));
        if (o.get("keycloak-home", "").isBlank()) {
            throw new IllegalArgumentException("--keycloak-home is required: the directory of an unpacked"
                    + " keycloak-quarkus-dist zip");
        }
        KeycloakProcess.script(home);
        int[] concurrency = Arrays.stream(o.get("concurrency", "4,8,16").split(",")).map(String::strip)
                .mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(o.get("seconds", "20"));
        int warm = Integer.parseInt(o.get("warmup-seconds", "60"));
        int jvms = Integer.parseInt(o.get("jvms", "3"));
        KeycloakUsers users = new KeycloakUsers(Integer.parseInt(o.get("users", "3000")));
        String version = Files.exists(home.resolve("version.txt")) ? Files.readString(home.resolve("version.txt")).strip()
                : "Keycloak (version.txt missing)";
        Path work = Files.createTempDirectory("smsotp-keycloak-bench");
        System.out.printf("smsotp's login benchmark against %s: %d cores, Java %s; Keycloak in its own JVM as kc.sh"
                        + " starts it, logins in this one; %d users (at most %d logins/s: a TOTP code counts once);"
                        + " %d s per row after %d s warm-up, %d fresh Keycloak JVM(s); database in %s%n", version,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), users.size(),
                users.size() / KeycloakUsers.STEP_SECONDS, seconds, warm, jvms, work);
        KeycloakProcess.build(home, work);
        String adminPassword = ProductProcess.randomToken();
        List<Row> rows = new ArrayList<>();
        for (int run = 1; run <= jvms; run++) {
            try (KeycloakProcess kc = KeycloakProcess.start(home, work, adminPassword, run)) {
                String token = kc.adminToken(adminPassword);
                if (!kc.hasRealm(token)) {
                    long t0 = System.nanoTime();
                    kc.createRealm(token, users);
                    System.out.printf("realm made: %d users in %.1f s%n", users.size(), (System.nanoTime() - t0) / 1e9);
                }
                System.out.printf("run %d of %d: Keycloak pid %d at %s%n", run, jvms, kc.pid(), kc.baseUrl());
                measure(kc, users, Math.max(1, concurrency[0]), warm, false);
                for (int c : concurrency) {
                    Row row = measure(kc, users, c, seconds, true);
                    rows.add(row);
                    System.out.printf("  %-34s c=%-3d %6.1f logins/s  p50 %7.1f ms  p99 %7.1f ms"
                                    + "  %6.1f logins/CPU-s  %6.1f CPU-ms/login  %d failed%n",
                            KEYCLOAK_HASH.label(), c, row.perSecond(), row.p50(), row.p99(), row.perCpuSecond(),
                            row.cpuMsPerLogin(), row.failed());
                }
                System.out.printf("  Keycloak: peak RSS %s%n", ProductProcess.peakRss(kc.pid()));
            }
        }
        LoginBenchmark.printMedians("Keycloak", "server", jvms, List.of(KEYCLOAK_HASH), concurrency, rows,
                h -> version + ", " + h.label());
        System.exit(0);
    }

    /** {@code concurrency} workers log in, one login after another, for {@code seconds}. */
    private static Row measure(KeycloakProcess kc, KeycloakUsers users, int concurrency, int seconds, boolean counted)
            throws InterruptedException {
        List<LoginBenchmark.Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(new KeycloakLogin(kc.baseUrl(), users)::run);
        }
        return LoginBenchmark.closedLoop(KEYCLOAK_HASH, workers, seconds, counted, kc.pid(), "");
    }
}
