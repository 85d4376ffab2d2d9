package io.smsotp.launcher.bench;

import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.launcher.EmbeddedDefault;
import io.smsotp.lifecycle.CommonPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The product under test in a JVM of its own, so that its CPU and memory are measured apart from
 * the load generator and the fake SMS provider: the embedded default (a real KRaft broker,
 * otp-stream, sms-dispatcher and auth-service; no fake gateway, since the configuration names the
 * benchmark's provider) started as {@code java -Xmx512m -XX:+UseSerialGC -cp <this classpath> ProductProcess} on a
 * fresh temporary data dir.
 *
 * <p>The child speaks a line protocol on stdout/stdin: once serving it prints
 * {@code smsotp-bench ready <auth URL> <bootstrap servers>}; to {@code heap} it answers
 * {@code smsotp-bench heap <peak MiB>}; the end of its stdin stops it. Its logs (stderr) go to a file
 * in the data dir, never to the benchmark's console.
 */
final class ProductProcess implements AutoCloseable {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private static final String PREFIX = "smsotp-bench ";

    private final Process process;
    private final Path dir;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final String authUrl;
    private final String bootstrapServers;
    private final List<String> jvmArgs;

    private ProductProcess(Process process, Path dir, List<String> jvmArgs) throws IOException {
        this.process = process;
        this.dir = dir;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.commands = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "product-stdout");
        reader.setDaemon(true);
        reader.start();
        String ready = await("ready", Duration.ofMinutes(3));
        String[] parts = ready.split(" ");
        this.authUrl = parts[0];
        this.bootstrapServers = parts[1];
    }

    /**
     * The collector the service images run with ({@code deploy/images/service/Dockerfile}): measured
     * side by side in two rounds, a login cost 41.4-46.1 ms of CPU with the serial or parallel
     * collector against 48.4-51.2 with G1, which the JVM picks by itself on two cores, 5.1-7.0 ms more
     * than either in the same round (docs/benchmarks.md, ninth round).
     */
    static final String IMAGE_COLLECTOR = "-XX:+UseSerialGC";

    private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w*GC");

    /**
     * The product JVM's options: {@code -Xmx512m}, the images' collector unless {@code given} names
     * one (two would stop the JVM), then {@code given}.
     */
    static List<String> jvmArgs(List<String> given) {
        List<String> args = new ArrayList<>(List.of("-Xmx512m"));
        if (given.stream().noneMatch(a -> COLLECTOR.matcher(a).matches())) {
            args.add(IMAGE_COLLECTOR);
        }
        args.addAll(given);
        return args;
    }

    /**
     * Starts the product with {@code configYaml} and {@link #jvmArgs} of {@code jvmArgs}, and
     * returns once it serves. The environment (e.g. {@code SMSOTP_STREAM_COMMITINTERVAL}) is passed on.
     */
    static ProductProcess start(String configYaml, List<String> jvmArgs) throws IOException {
        Path dir = Files.createTempDirectory("smsotp-bench-product-");
        Path config = dir.resolve("smsotp.yml");
        Files.writeString(config, configYaml);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> options = jvmArgs(jvmArgs);
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProductProcess.class.getName(),
                "--config", config.toString(), "--data-dir", dir.resolve("data").toString()));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("product.log").toFile()).start();
        try {
            return new ProductProcess(process, dir, options);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The options its JVM was started with. */
    List<String> jvmArgs() {
        return jvmArgs;
    }

    /**
     * The product's configuration with {@code providerSendUrl} as its one provider (JSON POST, as
     * the fake gateway takes it) on any free port; the caller appends {@code apps} (and {@code users}).
     * The send limits are raised out of the way: a benchmark sends to few numbers from one address.
     */
    static String configCalling(String providerSendUrl) {
        return configCalling(providerSendUrl, "");
    }

    /** As {@link #configCalling(String)}, with more {@code auth} settings, e.g. {@code ", passwordHashing: {queue: 16}"}. */
    static String configCalling(String providerSendUrl, String moreAuthSettings) {
        return """
                auth: {port: 0%s}
                rateLimits:
                  perNumber: {max: 1000000000, window: PT1M}
                  perIp: {max: 1000000000, window: PT1M}
                providers:
                  - name: bench
                    url: "%s"
                    method: POST
                    headers: {Content-Type: application/json}
                    payload: '{"to":"$ctx.num","text":"$ctx.msg","id":"$ctx.id"}'
                    successCodes: [202]
                """.formatted(moreAuthSettings, providerSendUrl);
    }

    /** A random secret for a key the benchmark gives the product (base64url, 32 bytes). */
    static String randomToken() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String authUrl() {
        return authUrl;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    /** The product's CPU time so far (user and system, all threads), from {@code /proc/<pid>/stat}. */
    Duration cpu() {
        return cpu(process.pid());
    }

    /** {@link #cpu()} of any process of this machine, e.g. a Keycloak server. */
    static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("the OS does not report the CPU time of process " + pid));
    }

    /** A thread's CPU in {@code /proc/<pid>/task/<tid>/stat} is counted in clock ticks, 100 a second on Linux ({@code USER_HZ}). */
    static final double MS_PER_TICK = 10.0;

    /** One thread of the product: its kind (its name with digits taken out) and its CPU so far in clock ticks. */
    record ThreadTicks(String kind, long ticks) {
    }

    /**
     * CPU time so far per thread of the product, by thread id (each thread's {@code utime+stime}
     * from {@code /proc/<pid>/task/<tid>/stat}, in clock ticks of 10 ms): where the product's CPU
     * goes, GC and JIT included. Threads that ended are not there; {@link #ticksByKind} says what
     * the living ones spent between two readings.
     */
    Map<Long, ThreadTicks> cpuTicksByThread() {
        return cpuTicksByThread(process.pid());
    }

    /** {@link #cpuTicksByThread()} of any process of this machine, e.g. a Keycloak server. */
    static Map<Long, ThreadTicks> cpuTicksByThread(long pid) {
        Map<Long, ThreadTicks> ticks = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
                String[] fields = stat.substring(close + 2).split(" ");
                // fields after the name: state is [0], utime [11], stime [12] (proc(5) fields 14 and 15)
                ticks.put(Long.parseLong(task.getFileName().toString()),
                        new ThreadTicks(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
            }
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /**
     * The clock ticks each kind of thread spent between two readings of {@link #cpuTicksByThread},
     * so that a pool's threads add up: a thread alive at the second counts from its first reading,
     * or from nothing when it started in between. A thread that ended in between is in neither sum
     * (its CPU is in the process's total only), and a thread id the OS gave again to a thread of
     * another kind counts as new.
     */
    static Map<String, Long> ticksByKind(Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
        Map<String, Long> byKind = new TreeMap<>();
        after.forEach((tid, now) -> {
            ThreadTicks then = before.get(tid);
            long from = then != null && then.kind().equals(now.kind()) && then.ticks() <= now.ticks() ? then.ticks() : 0;
            byKind.merge(now.kind(), now.ticks() - from, Long::sum);
        });
        return byKind;
    }

    /** Peak resident set size ({@code VmHWM}), e.g. {@code 612340 kB}. */
    String peakRss() {
        return peakRss(process.pid());
    }

    /** {@link #peakRss()} of any process of this machine. */
    static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).map(l -> l.replace("VmHWM:", "").trim())
                    .findFirst().orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** Sum of the heap pools' peaks, in MiB, as the product's JVM reports them. */
    long peakHeapMiB() throws IOException {
        commands.write("heap\n");
        commands.flush();
        return Long.parseLong(await("heap", Duration.ofSeconds(30)));
    }

    /** Where the product's logs are (kept until {@link #close()}). */
    Path log() {
        return dir.resolve("product.log");
    }

    private void readAnswers() {
        try (BufferedReader in = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(PREFIX)) {
                    answers.add(line.substring(PREFIX.length()));
                }
            }
        } catch (IOException e) {
            // the product ended: await() reports it
        }
    }

    private String await(String what, Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = answers.poll(200, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(what + " ")) {
                    return line.substring(what.length() + 1);
                }
                if (line == null && !process.isAlive()) {
                    throw new IOException("the product exited with " + process.exitValue() + "; its log: " + log());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("the product did not answer '" + what + "' within " + max + "; its log: " + log());
    }

    /** Stops the product (its stdin ends), forcibly after a minute, and deletes its data dir. */
    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // it has gone already
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder: the OS cleans what is left
        }
    }

    /** The child: {@code --config FILE --data-dir DIR}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].equals("--config") || !args[2].equals("--data-dir")) {
            System.err.println("usage: ProductProcess --config FILE --data-dir DIR (started by the benchmarks)");
            System.exit(2);
        }
        SmsOtpConfig config = ConfigLoader.load(Path.of(args[1]), System.getenv());
        PrintStream out = System.out;
        try (EmbeddedDefault system = EmbeddedDefault.start(config, Path.of(args[3]), sms -> { }, -1, false)) {
            out.println(PREFIX + "ready " + system.authUrl() + " " + system.bootstrapServers());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("heap")) {
                    out.println(PREFIX + "heap " + peakHeapUsedMiB());
                    out.flush();
                }
            }
        }
        System.exit(0);
    }

    private static long peakHeapUsedMiB() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }
}
