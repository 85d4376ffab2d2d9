package io.smsotp.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.launcher.EmbeddedDefault;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Starts the embedded default in this JVM and measures it from the outside, over HTTP: create
 * → SMS at the (fake) provider, verify round trips, peak memory, and the broker's raw
 * produce→consume round trip as the physical limit. Run with:
 * {@code java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.Benchmark}
 */
public final class Benchmark {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{4,10})\\b");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Requests (and so connections: the JDK client opens one per concurrent HTTP/1.1 request) the
     * load generator keeps open at most, like a login system's bounded connection pool; past it, a
     * send is not made and counts as an error. Unbounded, an overloaded run opened thousands of
     * connections and the heap went to their buffers.
     */
    private static final int MAX_IN_FLIGHT = 256;

    private final EmbeddedDefault system;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey;
    /** Per recipient number: when its create was sent (nanoTime). */
    private final Map<String, Long> createSentAt = new ConcurrentHashMap<>();
    /** Per recipient number: the code its SMS carried. */
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    /** Per recipient number: challenge id from the 201. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    private final Recorder createToSms = new Recorder(3);
    private final AtomicLong smsCount = new AtomicLong();
    private final AtomicLong lastSmsNanos = new AtomicLong();

    private Benchmark(EmbeddedDefault system) {
        this.system = system;
        this.apiKey = system.generatedApiKey();
    }

    public static void main(String[] args) throws Exception {
        int rate = intArg(args, "--rate", 1000);
        int maxRate = intArg(args, "--max-rate", 2000);
        int seconds = intArg(args, "--seconds", 20);
        Path dataDir = Files.createTempDirectory("smsotp-bench-");
        // ports 0: the benchmark must not collide with a launcher that is running
        SmsOtpConfig config = ConfigLoader.parse("auth: {port: 0}\ngateway: {port: 0}\n", System.getenv());
        Benchmark[] self = new Benchmark[1];
        try (EmbeddedDefault system = EmbeddedDefault.start(config, dataDir, sms -> self[0].onSms(sms))) {
            self[0] = new Benchmark(system);
            self[0].run(rate, maxRate, seconds, args);
        }
        System.exit(0);
    }

    private void run(int rate, int maxRate, int seconds, String[] args) throws Exception {
        System.out.printf("smsotp benchmark: %d cores, max heap %d MiB, Java %s, commit interval %s, %d partitions%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), system.config().stream().commitInterval(),
                system.config().kafka().partitions());
        System.out.println("broker at " + system.bootstrapServers() + ", 2FA API at " + system.authUrl());
        // a cold JVM (broker, services and this load generator all interpreting and compiling on two
        // cores) serves far less than a warm one: ramp up outside the measured phases
        int warm = intArg(args, "--warmup-seconds", 30);
        warmUp(100, warm);
        warmUp(Math.max(100, rate / 2), 10);

        Histogram raw = RawKafkaRoundTrip.measure(system.bootstrapServers(), 2000, 2000 * Math.min(seconds, 10));
        row("raw Kafka produce→consume @2000/s", raw, raw.getTotalCount(), Double.NaN);

        Phase create = createPhase(rate, seconds, 1_000_000);
        row(String.format("create→SMS @%d/s", rate), create.latency, create.done, create.perSecond);
        row(String.format("create HTTP 201 @%d/s", rate), create.httpLatency, create.done, Double.NaN);
        System.out.printf("  create answers: %d of %d were 201; %d SMS reached the provider%n", create.valid,
                create.sent, create.done);

        Phase verify = verifyPhase(rate);
        row(String.format("verify round trip @%d/s", rate), verify.latency, verify.done, verify.perSecond);
        System.out.printf("  verify answers: %d valid:true of %d sent, %d errors%n", verify.valid, verify.sent, verify.errors);

        Phase max = createPhase(maxRate, seconds, 2_000_000);
        row(String.format("create→SMS @%d/s offered", maxRate), max.latency, max.done, max.perSecond);
        row(String.format("create HTTP 201 @%d/s offered", maxRate), max.httpLatency, max.done, Double.NaN);
        System.out.printf("  create answers: %d of %d were 201; %d SMS reached the provider%n", max.valid,
                max.sent, max.done);

        System.out.printf("peak heap used %d MiB; peak RSS %s%n", peakHeapMiB(), peakRss());
    }

    /** JIT, connection pools and RocksDB caches warm up outside the measured phases. */
    private void warmUp(int perSecond, int seconds) throws Exception {
        Phase w = createPhase(perSecond, seconds, 3_000_000);
        System.out.printf("warm-up: %d creates at %d/s, %d errors (not counted)%n", w.sent, perSecond, w.errors);
    }

    private void onSms(ReceivedSms sms) {
        Matcher m = CODE.matcher(sms.text());
        if (m.find()) {
            codes.put(sms.to(), m.group(1));
        }
        Long sent = createSentAt.get(sms.to());
        if (sent != null) {
            createToSms.recordValue(Math.max(0, sms.receivedNanos() - sent) / 1000);
        }
        smsCount.incrementAndGet();
        lastSmsNanos.set(sms.receivedNanos());
    }

    private Phase createPhase(int perSecond, int seconds, int numberBase) throws InterruptedException {
        int count = perSecond * seconds;
        createToSms.reset();
        Recorder httpLatency = new Recorder(3);
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long smsBefore = smsCount.get();
        long start = System.nanoTime();
        AtomicInteger inFlight = new AtomicInteger();
        Pacer.run(count, perSecond, i -> {
            String to = "+1212" + (numberBase + i);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                // overloaded: shed instead of queueing without bound in the load generator
                errors.incrementAndGet();
                return;
            }
            inFlight.incrementAndGet();
            long t0 = System.nanoTime();
            createSentAt.put(to, t0);
            http.sendAsync(post("/api/v1/challenges", "{\"to\":\"" + to + "\"}"), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((resp, err) -> {
                        inFlight.decrementAndGet();
                        httpLatency.recordValue((System.nanoTime() - t0) / 1000);
                        if (err != null || resp.statusCode() != 201) {
                            errors.incrementAndGet();
                        } else {
                            ids.put(to, idOf(resp.body()));
                            done.incrementAndGet();
                        }
                    });
        });
        awaitCount(() -> smsCount.get() - smsBefore + errors.get(), count, Duration.ofSeconds(60));
        double took = (Math.max(lastSmsNanos.get(), start) - start) / 1e9;
        long delivered = smsCount.get() - smsBefore;
        return new Phase(createToSms.getIntervalHistogram(), httpLatency.getIntervalHistogram(),
                count, delivered, delivered / took, errors.get(), done.get());
    }

    private Phase verifyPhase(int perSecond) throws InterruptedException {
        var targets = ids.entrySet().stream().filter(e -> codes.containsKey(e.getKey())
                && e.getKey().startsWith("+12121")).toList();
        Recorder latency = new Recorder(3);
        AtomicInteger valid = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        long start = System.nanoTime();
        AtomicInteger inFlight = new AtomicInteger();
        Pacer.run(targets.size(), perSecond, i -> {
            var t = targets.get((int) i);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                errors.incrementAndGet();
                answered.incrementAndGet();
                return;
            }
            inFlight.incrementAndGet();
            long t0 = System.nanoTime();
            http.sendAsync(post("/api/v1/challenges/" + t.getValue() + "/verify",
                    "{\"code\":\"" + codes.get(t.getKey()) + "\"}"), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((resp, err) -> {
                        inFlight.decrementAndGet();
                        latency.recordValue((System.nanoTime() - t0) / 1000);
                        if (err != null || resp.statusCode() != 200) {
                            errors.incrementAndGet();
                        } else if (resp.body().contains("\"valid\":true")) {
                            valid.incrementAndGet();
                        }
                        answered.incrementAndGet();
                    });
        });
        awaitCount(answered::get, targets.size(), Duration.ofSeconds(60));
        double took = (System.nanoTime() - start) / 1e9;
        return new Phase(latency.getIntervalHistogram(), null, targets.size(), answered.get(),
                answered.get() / took, errors.get(), valid.get());
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(system.authUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String idOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.path("id").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitCount(java.util.function.LongSupplier value, long target, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (value.getAsLong() < target && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void row(String name, Histogram h, long count, double perSecond) {
        System.out.printf("%-36s n=%-7d %s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n", name, count,
                Double.isNaN(perSecond) ? "              " : String.format("%8.0f/s     ", perSecond),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private static long peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }

    private static String peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replace("VmHWM:", "").trim()).findFirst().orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    /**
     * @param done SMS delivered (create phases) or answers (verify)
     * @param valid 201 answers (create phases) or valid:true answers (verify)
     */
    private record Phase(Histogram latency, Histogram httpLatency, long sent, long done, double perSecond,
                         int errors, int valid) {
    }
}
