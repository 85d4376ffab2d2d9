package io.smsotp.launcher.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * The fault test's verdict: what every create came to, and per fault (from the script's events
 * file) how long the part was down, how long it took to be healthy again, and what the clients
 * saw meanwhile.
 */
final class FaultReport {

    /** A create slower than this, or an SMS later than {@link #SLOW_SMS_MS}, counts as disrupted. */
    static final long SLOW_CREATE_MS = 2_000;
    static final long SLOW_SMS_MS = 5_000;
    /** A fault is over once this long of its window's creates went through undisrupted. */
    static final long RECOVERED_AFTER_MS = 10_000;

    /** A line of the events file: {@code epochMillis action target}, e.g. {@code 1764490000000 kill kafka-2}. */
    record Event(long at, String action, String target) {
    }

    private final List<ChallengeRun> runs;
    private final Map<String, Integer> smsPerNumber;
    private final List<Event> events;
    private final long wallStart;
    private final double rate;
    private final Duration duration;

    FaultReport(List<ChallengeRun> runs, Map<String, Integer> smsPerNumber, List<Event> events, long wallStart,
                double rate, Duration duration) {
        this.runs = List.copyOf(runs);
        this.smsPerNumber = Map.copyOf(smsPerNumber);
        this.events = List.copyOf(events);
        this.wallStart = wallStart;
        this.rate = rate;
        this.duration = duration;
    }

    static List<Event> readEvents(String file) throws IOException {
        List<Event> events = new ArrayList<>();
        if (file == null || !Files.exists(Path.of(file))) {
            return events;
        }
        for (String line : Files.readAllLines(Path.of(file))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                events.add(new Event(Long.parseLong(f[0]), f[1], f[2]));
            }
        }
        return events;
    }

    List<ChallengeRun> lost() {
        return runs.stream().filter(ChallengeRun::created)
                .filter(r -> r.smsMillis() < 0 || !r.approved()).toList();
    }

    long doubleApprovals() {
        return runs.stream().filter(r -> r.validAnswers() > 1).count();
    }

    long duplicateSms() {
        return runs.stream().mapToLong(r -> Math.max(0, smsPerNumber.getOrDefault(r.number, 0) - 1)).sum();
    }

    long hung() {
        return runs.stream().filter(ChallengeRun::hung).count();
    }

    long created() {
        return runs.stream().filter(ChallengeRun::created).count();
    }

    /** Nothing lost, nothing approved twice, no request hung, and most creates went through. */
    boolean passed() {
        return !runs.isEmpty() && lost().isEmpty() && doubleApprovals() == 0 && hung() == 0
                && created() * 2 >= runs.size();
    }

    void print(PrintStream out) {
        long failed = runs.size() - created();
        out.println();
        out.printf(Locale.ROOT, "Fault test: %d creates at %.1f/s over %s%n", runs.size(), rate, duration);
        out.printf(Locale.ROOT, "  answered 201                        %6d%n", created());
        out.printf(Locale.ROOT, "  failed, with an error to the client %6d  (%.2f%% of all creates)%n", failed - hung(),
                pct(failed - hung(), runs.size()));
        out.printf(Locale.ROOT, "  hung past the request timeout       %6d%n", hung());
        out.printf(Locale.ROOT, "  lost (201, then no SMS or never approved) %d%n", lost().size());
        out.printf(Locale.ROOT, "  approved twice                      %6d%n", doubleApprovals());
        out.printf(Locale.ROOT, "  duplicate SMS (beyond one per challenge) %d%n", duplicateSms());
        out.printf(Locale.ROOT, "  verifies answered other than 200, retried %d%n",
                runs.stream().mapToLong(ChallengeRun::verifyRetries).sum());
        Map<String, Integer> reasons = new TreeMap<>();
        runs.stream().filter(r -> r.createError() != null).forEach(r -> reasons.merge(r.createError(), 1, Integer::sum));
        reasons.forEach((why, n) -> out.printf(Locale.ROOT, "    create failed: %-60s x%d%n", why, n));
        latencyRow(out, "create, ms", runs, ChallengeRun::answered, ChallengeRun::createMillis);
        latencyRow(out, "create -> SMS at gateway, ms", runs, r -> r.smsMillis() >= 0, ChallengeRun::smsMillis);
        printFaults(out);
        List<ChallengeRun> lost = lost();
        for (ChallengeRun r : lost.subList(0, Math.min(10, lost.size()))) {
            out.printf(Locale.ROOT, "  LOST %s sent at +%.1f s: %s%n", r.id(), (r.sentAt - wallStart) / 1000.0, r.notes());
        }
        out.println(passed() ? "PASSED: every challenge answered 201 got its SMS and was approved exactly once"
                : "FAILED");
    }

    private void printFaults(PrintStream out) {
        List<Event> faults = events.stream().filter(e -> e.action().equals("kill") || e.action().equals("pause")).toList();
        if (faults.isEmpty()) {
            return;
        }
        out.println();
        out.println("  fault                    at s   down s  start->healthy s  creates  failed  failed %  "
                + "max create ms  max create->SMS s  disrupted s");
        long loadEnd = wallStart + duration.toMillis();
        for (int i = 0; i < faults.size(); i++) {
            Event fault = faults.get(i);
            long windowEnd = i + 1 < faults.size() ? faults.get(i + 1).at() : loadEnd;
            String undo = fault.action().equals("kill") ? "start" : "unpause";
            Event back = first(undo, fault.target(), fault.at());
            Event healthy = back == null ? null : first("healthy", fault.target(), back.at());
            List<ChallengeRun> window = runs.stream()
                    .filter(r -> r.sentAt >= fault.at() && r.sentAt < windowEnd).toList();
            long failed = window.stream().filter(r -> !r.created()).count();
            long maxCreate = window.stream().filter(ChallengeRun::answered).mapToLong(ChallengeRun::createMillis).max().orElse(0);
            long maxSms = window.stream().mapToLong(ChallengeRun::smsMillis).max().orElse(0);
            long disrupted = disruptedMillis(fault.at(), window);
            out.printf(Locale.ROOT, "  %-22s %6.1f %8s %17s %8d %7d %8.2f %14d %18.1f %12.1f%n",
                    fault.action() + " " + fault.target(), (fault.at() - wallStart) / 1000.0,
                    back == null ? "-" : seconds(back.at() - fault.at()),
                    healthy == null ? "-" : seconds(healthy.at() - back.at()),
                    window.size(), failed, pct(failed, window.size()), maxCreate, maxSms / 1000.0, disrupted / 1000.0);
        }
        out.println("  (disrupted: from the fault until the end of the last create in its window that failed, took over "
                + SLOW_CREATE_MS + " ms, or whose SMS took over " + SLOW_SMS_MS / 1000 + " s, before "
                + RECOVERED_AFTER_MS / 1000 + " s of creates that did none of these)");
    }

    /**
     * From the fault until the end (answer or SMS, the later) of the last disrupted create sent
     * before the first {@link #RECOVERED_AFTER_MS} of undisrupted ones: what comes after that, such
     * as a create slowed by the next fault, is not this fault's doing.
     */
    static long disruptedMillis(long faultAt, List<ChallengeRun> window) {
        List<ChallengeRun> bySent = window.stream().sorted(Comparator.comparingLong(r -> r.sentAt)).toList();
        long end = 0;
        long cleanSince = -1;
        for (ChallengeRun r : bySent) {
            if (disrupted(r)) {
                end = Math.max(end, r.sentAt - faultAt + Math.max(r.createMillis(), Math.max(0, r.smsMillis())));
                cleanSince = -1;
            } else if (cleanSince < 0) {
                cleanSince = r.sentAt;
            } else if (r.sentAt - cleanSince >= RECOVERED_AFTER_MS) {
                break;
            }
        }
        return end;
    }

    private static boolean disrupted(ChallengeRun r) {
        return !r.created() || r.createMillis() > SLOW_CREATE_MS || r.smsMillis() > SLOW_SMS_MS;
    }

    private Event first(String action, String target, long after) {
        return events.stream().filter(e -> e.action().equals(action) && e.target().equals(target) && e.at() >= after)
                .findFirst().orElse(null);
    }

    private static void latencyRow(PrintStream out, String name, List<ChallengeRun> runs, Predicate<ChallengeRun> which,
                                   ToLongFunction<ChallengeRun> millis) {
        Histogram h = new Histogram(3);
        runs.stream().filter(which).forEach(r -> h.recordValue(Math.max(0, millis.applyAsLong(r))));
        if (h.getTotalCount() == 0) {
            return;
        }
        out.printf(Locale.ROOT, "  %-30s p50 %6d  p90 %6d  p99 %6d  max %6d  (n=%d)%n", name,
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue(),
                h.getTotalCount());
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static double pct(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
