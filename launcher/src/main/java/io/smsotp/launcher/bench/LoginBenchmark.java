package io.smsotp.launcher.bench;

import io.smsotp.auth.users.PasswordHasher;
import io.smsotp.launcher.Options;
import io.smsotp.launcher.gateway.FakeSmsGateway;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.lifecycle.CommonPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosted login's own cost: closed-loop OpenID Connect logins against the product in a JVM of
 * its own ({@link ProductProcess}), each with a new cookie jar, from {@code /oauth2/authorize}
 * through the password page, the SMS code (read from this JVM's fake provider) to the token
 * endpoint (PKCE and {@code client_secret_basic}). For each password hash setting (Argon2id at
 * smsotp's default and at Keycloak's, m=7168 KiB, t=5, p=1, given as PHC strings in the users file)
 * and each concurrency, it reports logins per second, p50/p99 login latency and logins per CPU
 * second of the product's process. Each {@code --jvms} run starts a fresh product JVM (each warms up
 * its own way, and BouncyCastle's Argon2, when chosen with {@code -Dsmsotp.argon2=java}, runs at one of
 * two speeds per JVM); the table shows the median over them. Options:
 * {@code --concurrency 4,8,16 --seconds 20 --warmup-seconds 60 --jvms 3 --hashes smsotp,keycloak}
 * and {@code --product-jvm-arg ARG} (repeatable) for the product's JVM. Run with:
 * {@code java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.LoginBenchmark}
 */
public final class LoginBenchmark {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{4,10})\\b");
    private static final Set<String> OPTIONS = Set.of("concurrency", "seconds", "warmup-seconds", "jvms", "hashes",
            "product-jvm-arg");

    /** A password hash setting: a name for the table and its Argon2id parameters. */
    record HashSetting(String name, int memoryKib, int iterations, int lanes) {
        String label() {
            return name + " (m=" + memoryKib + ",t=" + iterations + ",p=" + lanes + ")";
        }
    }

    static final List<HashSetting> HASHES = List.of(
            new HashSetting("smsotp", PasswordHasher.MEMORY_KIB, PasswordHasher.ITERATIONS, PasswordHasher.LANES),
            new HashSetting("keycloak", 7168, 5, 1));

    /** One measured row: a hash setting at a concurrency, in one product JVM. */
    record Row(HashSetting hash, int concurrency, long logins, long failed, double seconds, double p50, double p99,
               double cpuSeconds) {
        double perSecond() {
            return logins / seconds;
        }

        double perCpuSecond() {
            return cpuSeconds == 0 ? 0 : logins / cpuSeconds;
        }

        double cpuMsPerLogin() {
            return logins == 0 ? 0 : cpuSeconds * 1000 / logins;
        }
    }

    /** Per recipient number: the codes its SMS carried, oldest first. */
    private final Map<String, BlockingQueue<String>> inbox = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Options o = Options.parse("login-benchmark", args, OPTIONS);
        int[] concurrency = Arrays.stream(o.get("concurrency", "4,8,16").split(",")).map(String::strip)
                .mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(o.get("seconds", "20"));
        int warm = Integer.parseInt(o.get("warmup-seconds", "60"));
        int jvms = Integer.parseInt(o.get("jvms", "3"));
        int users = Arrays.stream(concurrency).max().orElse(1);
        List<String> names = List.of(o.get("hashes", "smsotp,keycloak").split(","));
        List<HashSetting> hashes = HASHES.stream().filter(h -> names.contains(h.name())).toList();
        LoginBenchmark bench = new LoginBenchmark();
        FakeSmsGateway provider = new FakeSmsGateway("127.0.0.1", 0, bench::onSms).start();
        System.out.printf("smsotp login benchmark: %d cores, Java %s; product in its own JVM (%s), logins and"
                        + " SMS provider in this one; %d s per row after %d s warm-up, %d fresh product JVM(s)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                String.join(" ", ProductProcess.jvmArgs(o.all("product-jvm-arg"))), seconds, warm, jvms);
        List<Row> rows = new ArrayList<>();
        try {
            LoginUsers logins = LoginUsers.make(users, hashes);
            for (int run = 1; run <= jvms; run++) {
                // every worker may be at the password step at once: the hashing gate queues them all
                // (its default queue, 4 per core, answers 503 past it, which a closed loop turns into a storm)
                String auth = ", passwordHashing: {queue: " + users + "}";
                try (ProductProcess product = ProductProcess.start(
                        ProductProcess.configCalling(provider.sendUrl(), auth) + logins.yaml(),
                        o.all("product-jvm-arg"))) {
                    System.out.printf("run %d of %d: product pid %d at %s%n", run, jvms, product.pid(),
                            product.authUrl());
                    for (HashSetting hash : hashes) {
                        bench.measure(product, logins, hash, Math.max(1, concurrency[0]), warm, false);
                        for (int c : concurrency) {
                            Row row = bench.measure(product, logins, hash, c, seconds, true);
                            rows.add(row);
                            System.out.printf("  %-34s c=%-3d %6.1f logins/s  p50 %7.1f ms  p99 %7.1f ms"
                                            + "  %6.1f logins/CPU-s  %6.1f CPU-ms/login  %d failed%n",
                                    hash.label(), c, row.perSecond(), row.p50(), row.p99(), row.perCpuSecond(),
                                    row.cpuMsPerLogin(), row.failed());
                        }
                    }
                    System.out.printf("  product: peak heap used %d MiB; peak RSS %s%n", product.peakHeapMiB(),
                            product.peakRss());
                }
            }
        } finally {
            provider.stop();
        }
        printMedians("product", "hash", jvms, hashes, concurrency, rows, HashSetting::label);
        System.exit(0);
    }

    /** The table of the medians over the JVMs, a row per hash setting and concurrency. */
    static void printMedians(String server, String firstColumn, int jvms, List<HashSetting> hashes, int[] concurrency,
                             List<Row> rows, java.util.function.Function<HashSetting, String> label) {
        System.out.println();
        System.out.printf("medians of %d %s JVM(s):%n", jvms, server);
        System.out.println("| " + firstColumn + " | concurrency | logins/s | p50 ms | p99 ms | logins per CPU-s"
                + " | CPU ms per login | failed |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (HashSetting hash : hashes) {
            for (int c : concurrency) {
                List<Row> same = rows.stream().filter(r -> r.hash().equals(hash) && r.concurrency() == c).toList();
                System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f |%n", label.apply(hash), c,
                        median(same, Row::perSecond), median(same, Row::p50), median(same, Row::p99),
                        median(same, Row::perCpuSecond), median(same, Row::cpuMsPerLogin),
                        median(same, r -> r.failed()));
            }
        }
    }

    /** {@code concurrency} workers log in, each as its own user, one login after another, for {@code seconds}. */
    private Row measure(ProductProcess product, LoginUsers users, HashSetting hash, int concurrency, int seconds,
                        boolean counted) throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            LoginUsers.User user = users.user(hash, i);
            BlockingQueue<String> codes = inbox.computeIfAbsent(user.mobile(), k -> new LinkedBlockingQueue<>());
            OidcLogin login = new OidcLogin(product.authUrl(), users.clientId(), users.clientSecret(),
                    users.redirectUri(), user.username(), users.password(), codes);
            workers.add(login::run);
        }
        return closedLoop(hash, workers, seconds, counted, product.pid(), " " + hash.label());
    }

    /** A closed-loop worker's one login; its time or failure goes to {@code results}. */
    interface Worker {
        void login(OidcLogin.Results results) throws InterruptedException;
    }

    /**
     * The workers log in, one login after another each, for {@code seconds}, against the server
     * process {@code pid}, whose CPU the row counts.
     */
    static Row closedLoop(HashSetting hash, List<Worker> workers, int seconds, boolean counted, long pid,
                          String warmupLabel) throws InterruptedException {
        OidcLogin.Results results = new OidcLogin.Results();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        Map<Long, ProductProcess.ThreadTicks> threads0 = ProductProcess.cpuTicksByThread(pid);
        Duration cpu0 = ProductProcess.cpu(pid);
        long start = System.nanoTime();
        for (int i = 0; i < workers.size(); i++) {
            Worker worker = workers.get(i);
            threads.add(new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        worker.login(results);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "login-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        double cpu = ProductProcess.cpu(pid).minus(cpu0).toNanos() / 1e9;
        return row(hash, workers.size(), results, counted, took, cpu, threads0, ProductProcess.cpuTicksByThread(pid),
                warmupLabel);
    }

    /**
     * A measurement's row, once its workers are done: a warm-up's line, or, for a counted row, its
     * first failure and where the server's CPU went ({@code took} and {@code cpu} in seconds).
     */
    private static Row row(HashSetting hash, int concurrency, OidcLogin.Results results, boolean counted, double took,
                   double cpu, Map<Long, ProductProcess.ThreadTicks> threads0,
                   Map<Long, ProductProcess.ThreadTicks> threads1, String warmupLabel) {
        if (!counted) {
            System.out.printf("  warm-up%s: %d logins, %d failed (not counted)%s%n", warmupLabel, results.done(),
                    results.failed(), results.firstFailure() == null ? "" : "; first failure: " + results.firstFailure());
        } else {
            if (results.firstFailure() != null) {
                System.out.println("    first failure: " + results.firstFailure());
            }
            Map<String, Long> byKind = ProductProcess.ticksByKind(threads0, threads1);
            printThreads(byKind, cpu, results.done());
            stillCompiling(byKind, results.done()).ifPresent(note -> System.out.println("    " + note));
        }
        return new Row(hash, concurrency, results.done(), results.failed(), took, results.percentileMs(50),
                results.percentileMs(99), cpu);
    }

    /**
     * The product's CPU per login by kind of thread, the largest first: where a login's CPU goes.
     * What the threads alive at the row's end do not account for of the process's CPU was spent by
     * threads that ended during the row (an HTTP pool shrinks when idle) or lost to rounding, and is
     * printed as such.
     */
    private static void printThreads(Map<String, Long> ticksByKind, double cpuSeconds, long logins) {
        if (logins == 0) {
            return;
        }
        System.out.println("    " + threadLine(ticksByKind, cpuSeconds, logins));
    }

    static String threadLine(Map<String, Long> ticksByKind, double cpuSeconds, long logins) {
        StringBuilder line = new StringBuilder("CPU-ms per login by thread:");
        ticksByKind.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() * ProductProcess.MS_PER_TICK / logins)));
        double counted = ticksByKind.values().stream().mapToLong(Long::longValue).sum() * ProductProcess.MS_PER_TICK;
        // each thread's time is read in whole ticks of 10 ms, the process's total is not: up to a tick
        // per thread of the difference is rounding
        double rest = cpuSeconds * 1000 - counted;
        if (rest > 0) {
            line.append(String.format(" threads that ended during the row (and rounding) %.1f;", rest / logins));
        }
        return line.toString();
    }

    /** Above this much JIT compiler CPU per login a row measures a product still warming up. */
    static final double WARM_COMPILER_MS_PER_LOGIN = 2.0;

    /**
     * A note when the JIT compilers spent more than {@value #WARM_COMPILER_MS_PER_LOGIN} ms per
     * login in the row. At a few dozen logins a second, code that runs once a login reaches C2's
     * thresholds only after thousands of logins: four minutes in, C2 still compiled 557 methods in
     * 55 s, ten minutes in 60 in 60 s (docs/benchmarks.md, eleventh round of issue 12).
     */
    static Optional<String> stillCompiling(Map<String, Long> ticksByKind, long logins) {
        if (logins == 0) {
            return Optional.empty();
        }
        double ms = ticksByKind.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToLong(Map.Entry::getValue).sum() * ProductProcess.MS_PER_TICK / logins;
        if (ms <= WARM_COMPILER_MS_PER_LOGIN) {
            return Optional.empty();
        }
        return Optional.of(String.format("the JIT compiler still took %.1f ms a login: the product is not warm yet,"
                + " and this row says more about the JIT than about a login (a longer --warmup-seconds)", ms));
    }

    private void onSms(ReceivedSms sms) {
        Matcher m = CODE.matcher(sms.text());
        if (m.find()) {
            inbox.computeIfAbsent(sms.to(), k -> new LinkedBlockingQueue<>()).add(m.group(1));
        }
    }

    private static double median(List<Row> rows, java.util.function.ToDoubleFunction<Row> value) {
        double[] v = rows.stream().mapToDouble(value).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
