package io.smsotp.launcher.bench;

import io.smsotp.events.OtpPolicy;
import io.smsotp.launcher.Options;
import io.smsotp.stream.challenge.ChallengeProcessor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What otp-stream's expiry sweep costs with many live challenges: loads {@code --live} challenges
 * with a 10-minute lifetime (each to its own number) into the real topology on a
 * TopologyTestDriver (RocksDB stores), then times the wall-clock sweeps alone: sweeps with nothing
 * due, sweeps that expire {@code --expire} short-lived challenges while the live ones stay, the
 * live ones' own expiry, and the purges one retention later. Each row is checked: every expired
 * challenge must have been announced (ChallengeExpired), every purged one gone from the store.
 *
 * <pre>java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.ExpirySweep \
 *     [--live 10000,100000,1000000] [--expire 1000,10000,100000] [--empty-sweeps 20] [--warm-up 10000]</pre>
 */
public final class ExpirySweep {

    static final OtpPolicy LIVE = new OtpPolicy(6, Duration.ofMinutes(10), 5);
    static final OtpPolicy SHORT = new OtpPolicy(6, Duration.ofMinutes(1), 5);
    private static final int DRAIN_EVERY = 1_000;

    /** One measured step: {@code sweeps} sweeps that took {@code millis} in all. */
    record Row(String phase, long notDue, long done, int sweeps, double millis, long checked, long peakHeapMiB) {
    }

    private final PrintStream out;
    private final int emptySweeps;
    private final int warmUp;
    private final List<Row> rows = new ArrayList<>();

    ExpirySweep(PrintStream out, int emptySweeps, int warmUp) {
        this.out = out;
        this.emptySweeps = emptySweeps;
        this.warmUp = warmUp;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse("ExpirySweep", args, Set.of("live", "expire", "empty-sweeps", "warm-up"));
        List<Integer> live = counts(options.get("live", "1000000"));
        List<Integer> expire = counts(options.get("expire", "1000,10000,100000"));
        int empty = Integer.parseInt(options.get("empty-sweeps", "20"));
        int warmUp = Integer.parseInt(options.get("warm-up", "10000"));
        ExpirySweep bench = new ExpirySweep(System.out, empty, warmUp);
        System.out.printf("expiry sweep: %d cores, Java %s, max heap %d MiB, sweep every %s, retention %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, SweepDriver.SWEEP_INTERVAL, ChallengeProcessor.RETENTION);
        for (int n : live) {
            bench.run(n, expire);
        }
        bench.printTable();
    }

    static List<Integer> counts(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    /** Loads {@code live} challenges in a fresh state dir and measures the sweeps beside them. */
    void run(int live, List<Integer> expire) throws IOException {
        long shortRoundsSeconds = (expire.size() + 1) * (SHORT.ttl().toSeconds() + 2) + emptySweeps
                + (warmUp + expire.stream().mapToLong(e -> e).sum()) / 1_000;
        if (shortRoundsSeconds >= LIVE.ttl().toSeconds()) {
            throw new IllegalArgumentException("the short-lived rounds would outlast the live challenges' lifetime");
        }
        Path dir = Files.createTempDirectory("smsotp-sweep-bench-");
        try (SweepDriver driver = new SweepDriver(dir)) {
            load(driver, live, dir);
            // the first sweeps run interpreted code: one round of each kind is not counted
            Instant warmUpExpiry = expireShort(driver, "w", 9, warmUp, live).expiresAt();
            rows.add(empty(driver, "empty sweep", live));
            List<Instant> batchExpiry = new ArrayList<>();
            for (int i = 0; i < expire.size(); i++) {
                Round round = expireShort(driver, "s" + i, i, expire.get(i), live);
                rows.add(round.row());
                batchExpiry.add(round.expiresAt());
            }
            Instant liveExpiry = SweepDriver.START.plus(LIVE.ttl());
            rows.add(sweepUntilExpired(driver, "expire the live ones", 0, live, liveExpiry));
            rows.add(empty(driver, "empty sweep, live ones expired", live));
            sweepUntilPurged(driver, "purge (warm-up, not counted)", "w", warmUp, live,
                    warmUpExpiry.plus(ChallengeProcessor.RETENTION));
            for (int i = 0; i < expire.size(); i++) {
                rows.add(sweepUntilPurged(driver, "purge", "s" + i, expire.get(i), live,
                        batchExpiry.get(i).plus(ChallengeProcessor.RETENTION)));
            }
            rows.add(sweepUntilPurged(driver, "purge the live ones", "live", live, 0,
                    liveExpiry.plus(ChallengeProcessor.RETENTION)));
        } finally {
            deleteTree(dir);
        }
    }

    private record Round(Row row, Instant expiresAt) {
    }

    private void load(SweepDriver driver, int live, Path dir) {
        long t0 = System.nanoTime();
        for (int i = 0; i < live; i++) {
            driver.create(id("live", i), "+1" + (2_000_000_000L + i), LIVE);
            if ((i + 1) % DRAIN_EVERY == 0) {
                driver.drain();
            }
            if ((i + 1) % 100_000 == 0) {
                out.printf(Locale.ROOT, "  %,d loaded after %.0f s; %s%n", i + 1, (System.nanoTime() - t0) / 1e9,
                        uptime());
            }
        }
        driver.drain();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (driver.created() != live || driver.smsSent() != live) {
            throw new IllegalStateException("load: " + driver.created() + " created and " + driver.smsSent()
                    + " SMS of " + live + " (" + driver.rejected() + " rejected)");
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        out.printf(Locale.ROOT, "loaded %,d live challenges in %.1f s (%,.0f creates/s); heap after GC %d MiB;"
                        + " RocksDB state dir %d MiB; %s%n", live, seconds, live / seconds, heap >> 20,
                sizeOf(dir) >> 20, uptime());
        long r0 = System.nanoTime();
        int indexed = driver.reindex();
        out.printf(Locale.ROOT, "a task starting on them indexes %,d challenges for the sweep in %.1f s%n", indexed,
                (System.nanoTime() - r0) / 1e9);
    }

    /** Sweeps with nothing due, one interval apart. */
    private Row empty(SweepDriver driver, String phase, long notDue) {
        resetPeaks();
        long before = driver.expired();
        double ms = 0;
        for (int i = 0; i < emptySweeps; i++) {
            ms += timed(driver, SweepDriver.SWEEP_INTERVAL);
            driver.drain();
        }
        return report(new Row(phase, notDue, 0, emptySweeps, ms, driver.expired() - before, peakHeapMiB()));
    }

    /** Creates {@code count} short-lived challenges now, then sweeps until every one was announced expired. */
    private Round expireShort(SweepDriver driver, String prefix, int numbers, int count, long notDue) {
        for (int i = 0; i < count; i++) {
            driver.create(id(prefix, i), "+44" + (7_000_000_000L + numbers * 10_000_000L + i), SHORT);
            if ((i + 1) % DRAIN_EVERY == 0) {
                driver.drain();
            }
        }
        driver.drain();
        Instant expiresAt = driver.now().plus(SHORT.ttl());
        return new Round(sweepUntilExpired(driver, prefix.equals("w") ? "expire (warm-up, not counted)" : "expire",
                notDue, count, expiresAt), expiresAt);
    }

    private Row sweepUntilExpired(SweepDriver driver, String phase, long notDue, long count, Instant dueAt) {
        resetPeaks();
        long before = driver.expired();
        double ms = timed(driver, Duration.between(driver.now(), dueAt));
        int sweeps = 1;
        driver.drain();
        while (driver.expired() - before < count && sweeps < maxSweeps(count)) {
            ms += timed(driver, SweepDriver.SWEEP_INTERVAL);
            sweeps++;
            driver.drain();
        }
        return report(new Row(phase, notDue, count, sweeps, ms, driver.expired() - before, peakHeapMiB()));
    }

    private Row sweepUntilPurged(SweepDriver driver, String phase, String prefix, long count, long notDue,
                                 Instant dueAt) {
        resetPeaks();
        double ms = timed(driver, Duration.between(driver.now(), dueAt));
        int sweeps = 1;
        driver.drain();
        int gone = countGone(driver, prefix, 0, count);
        while (gone < count && sweeps < maxSweeps(count)) {
            ms += timed(driver, SweepDriver.SWEEP_INTERVAL);
            sweeps++;
            driver.drain();
            gone = countGone(driver, prefix, gone, count);
        }
        return report(new Row(phase, notDue, count, sweeps, ms, gone, peakHeapMiB()));
    }

    /** From {@code from} on, how many ids in a row the store no longer holds. */
    private static int countGone(SweepDriver driver, String prefix, int from, long count) {
        int i = from;
        while (i < count && !driver.holds(id(prefix, i))) {
            i++;
        }
        return i;
    }

    /** Generous: a sweep handles up to 10,000 due entries, so this only stops a run that never ends. */
    private static int maxSweeps(long count) {
        return (int) (count / 1_000) + 10;
    }

    private static double timed(SweepDriver driver, Duration d) {
        long t0 = System.nanoTime();
        driver.advance(d);
        return (System.nanoTime() - t0) / 1e6;
    }

    private Row report(Row row) {
        out.printf(Locale.ROOT, "%-32s not due %,9d  done %,9d  sweeps %4d  %10.1f ms  checked %,9d  peak heap %d MiB;"
                + " %s%n", row.phase(), row.notDue(), row.done(), row.sweeps(), row.millis(), row.checked(),
                row.peakHeapMiB(), uptime());
        if (row.checked() != row.done()) {
            throw new IllegalStateException(row.phase() + ": " + row.checked() + " of " + row.done() + " done after "
                    + row.sweeps() + " sweeps");
        }
        return row;
    }

    /** The Markdown table of every row so far. */
    void printTable() {
        out.println();
        out.println("| phase | not due (in the stores) | expired or purged | sweeps | sweep ms | ms per sweep"
                + " | µs per expired | announced or gone | peak heap MiB |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            String perItem = r.done() == 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.millis() * 1000 / r.done());
            out.printf(Locale.ROOT, "| %s | %,d | %,d | %d | %.1f | %.2f | %s | %,d | %d |%n", r.phase(), r.notDue(),
                    r.done(), r.sweeps(), r.millis(), r.millis() / r.sweeps(), perItem, r.checked(), r.peakHeapMiB());
        }
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Ids that sort in creation order, so "the first n are gone" reads in one pass. */
    static String id(String prefix, long i) {
        return String.format(Locale.ROOT, "%s-%09d", prefix, i);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the last reset. */
    private static long peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }

    /** The load average when a figure was taken: the machine is shared. */
    static String uptime() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "load average n/a";
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
