package io.smsotp.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.launcher.Options;
import io.smsotp.launcher.gateway.FakeSmsGateway;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.lifecycle.CommonPool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Measures the product from the outside, as a login system would: the embedded default (a real
 * KRaft broker, otp-stream, sms-dispatcher and auth-service) runs in a JVM of its own
 * ({@link ProductProcess}), while this JVM is the load generator and the SMS provider it calls, so
 * the product's CPU is measured apart from its load. Open loop: each request has its time on a
 * fixed schedule and its latency runs from that time, not from when it went out (no coordinated
 * omission). It prints a table, then as its last line one JSON object with the figures for
 * {@code --rate}. Run with:
 * {@code java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.Benchmark}
 */
public final class Benchmark {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{4,10})\\b");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Requests (and so connections: the JDK client opens one per concurrent HTTP/1.1 request) the
     * load generator keeps open at most, like a login system's bounded connection pool; past it, a
     * send is not made and counts as an error. Unbounded, an overloaded run opened thousands of
     * connections and the heap went to their buffers.
     */
    private static final int MAX_IN_FLIGHT = 256;
    private static final Set<String> OPTIONS = Set.of("rate", "max-rate", "seconds", "warmup-seconds",
            "warmup-at-rate-seconds", "product-jvm-arg");

    private final ProductProcess product;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey;
    /** Per recipient number: when its create was due on the schedule (nanoTime). */
    private final Map<String, Long> createSentAt = new ConcurrentHashMap<>();
    /** Per recipient number: the code its SMS carried. */
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    /** Per recipient number: challenge id from the 201. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    private final Recorder createToSms = new Recorder(3);
    private final AtomicLong smsCount = new AtomicLong();
    private final AtomicLong lastSmsNanos = new AtomicLong();

    private Benchmark(ProductProcess product, String apiKey) {
        this.product = product;
        this.apiKey = apiKey;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse("benchmark", args, OPTIONS);
        int rate = Integer.parseInt(o.get("rate", "1000"));
        int maxRate = Integer.parseInt(o.get("max-rate", "2000"));
        int seconds = Integer.parseInt(o.get("seconds", "20"));
        int warm = Integer.parseInt(o.get("warmup-seconds", "30"));
        int warmAtRate = Integer.parseInt(o.get("warmup-at-rate-seconds", String.valueOf(Math.min(30, warm))));
        Benchmark[] self = new Benchmark[1];
        FakeSmsGateway provider = new FakeSmsGateway("127.0.0.1", 0, sms -> {
            if (self[0] != null) {
                self[0].onSms(sms);
            }
        }).start();
        String apiKey = ProductProcess.randomToken();
        ObjectNode result;
        try (ProductProcess product = ProductProcess.start(ProductProcess.configCalling(provider.sendUrl())
                + "apps:\n  - {id: bench, name: Bench, apiKey: \"" + apiKey + "\"}\n", o.all("product-jvm-arg"))) {
            self[0] = new Benchmark(product, apiKey);
            result = self[0].run(rate, maxRate, seconds, warm, warmAtRate);
        } finally {
            provider.stop();
        }
        // the last line: one JSON object for scripts
        System.out.println(JSON.writeValueAsString(result));
        System.exit(0);
    }

    private ObjectNode run(int rate, int maxRate, int seconds, int warm, int warmAtRate) throws Exception {
        System.out.printf("smsotp benchmark: %d cores, Java %s; product in its own JVM (pid %d, %s),"
                        + " load generator and SMS provider in this one%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), product.pid(),
                String.join(" ", product.jvmArgs()));
        System.out.println("broker at " + product.bootstrapServers() + ", 2FA API at " + product.authUrl());
        // a cold JVM (broker, services and this load generator all interpreting and compiling on two
        // cores) serves far less than a warm one: ramp up outside the measured phases
        warmUp(Math.min(100, rate), warm);
        warmUp(Math.max(Math.min(100, rate), rate / 2), Math.min(10, warm));

        Histogram raw = RawKafkaRoundTrip.measure(product.bootstrapServers(), 2000, 2000 * Math.min(seconds, 10));
        row("raw Kafka produce→consume @2000/s", raw, raw.getTotalCount(), Double.NaN);
        // The JIT compiles what runs hot at the rate, and the ramp at lower rates leaves much of that
        // still to do (it never runs a verify): measured right after it, the compiler took a quarter
        // of the product's CPU and half this JVM's. So the phases are rehearsed at the rate first,
        // creates and then verifies.
        warmUpAtRate(rate, warmAtRate);

        Duration cpu0 = product.cpu();
        Phase create = createPhase(rate, seconds, 1_000_000);
        Duration cpu1 = product.cpu();
        row(String.format("create→SMS @%d/s", rate), create.latency, create.done, create.perSecond);
        row(String.format("create HTTP 201 @%d/s", rate), create.httpLatency, create.done, Double.NaN);
        System.out.printf("  create answers: %d of %d were 201 (%d not sent: %d in flight); %d SMS reached the provider;"
                        + " product CPU %d ms%n", create.valid, create.sent, create.shed, MAX_IN_FLIGHT, create.done,
                cpu1.minus(cpu0).toMillis());

        Phase verify = verifyPhase(rate, "+12121");
        Duration cpu2 = product.cpu();
        row(String.format("verify round trip @%d/s", rate), verify.latency, verify.done, verify.perSecond);
        System.out.printf("  verify answers: %d valid:true of %d, %d errors (%d not sent: %d in flight); product CPU %d ms%n",
                verify.valid, verify.sent, verify.errors, verify.shed, MAX_IN_FLIGHT, cpu2.minus(cpu1).toMillis());
        // each challenge that went the whole way (create → SMS → verify) carries the CPU of both phases
        Double cpuPerChallenge = verify.valid == 0 ? null : cpu2.minus(cpu0).toNanos() / 1e6 / verify.valid;
        System.out.printf("product CPU per challenge (create → SMS → verify) @%d/s: %s ms%n", rate,
                cpuPerChallenge == null ? "n/a" : String.format("%.2f", cpuPerChallenge));

        Phase max = createPhase(maxRate, seconds, 2_000_000);
        row(String.format("create→SMS @%d/s offered", maxRate), max.latency, max.done, max.perSecond);
        row(String.format("create HTTP 201 @%d/s offered", maxRate), max.httpLatency, max.done, Double.NaN);
        System.out.printf("  create answers: %d of %d were 201 (%d not sent: %d in flight); %d SMS reached the provider%n",
                max.valid, max.sent, max.shed, MAX_IN_FLIGHT, max.done);

        System.out.printf("product: peak heap used %d MiB; peak RSS %s%n", product.peakHeapMiB(), product.peakRss());

        ObjectNode out = JSON.createObjectNode();
        ObjectNode rawJson = out.putObject("rawKafka");
        rawJson.put("p50", ms(raw, 50)).put("p99", ms(raw, 99));
        phaseJson(out.putObject("createToSms"), rate, create);
        phaseJson(out.putObject("verify"), rate, verify);
        out.put("maxSustained", round(max.perSecond));
        out.put("productCpuMsPerChallenge", cpuPerChallenge == null ? null : round(cpuPerChallenge));
        return out;
    }

    private static void phaseJson(ObjectNode node, int rate, Phase phase) {
        node.put("rate", rate).put("achieved", round(phase.perSecond)).put("p50", ms(phase.latency, 50))
                .put("p99", ms(phase.latency, 99));
    }

    private static double ms(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : 0;
    }

    /** JIT, connection pools and RocksDB caches warm up outside the measured phases. */
    private void warmUp(int perSecond, int seconds) throws Exception {
        Phase w = createPhase(perSecond, seconds, 3_000_000);
        System.out.printf("warm-up: %d creates at %d/s, %d errors (not counted)%n", w.sent, perSecond, w.errors);
    }

    /** The create and verify phases at the measured rate, not counted: what the JIT must have seen. */
    private void warmUpAtRate(int perSecond, int seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        Phase c = createPhase(perSecond, seconds, 4_000_000);
        Phase v = verifyPhase(perSecond, "+12124");
        System.out.printf("warm-up at the rate: %d creates and %d verifies at %d/s, %d and %d errors (not counted)%n",
                c.sent, v.sent, perSecond, c.errors, v.errors);
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
        AtomicInteger shed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long smsBefore = smsCount.get();
        long start = System.nanoTime();
        AtomicInteger inFlight = new AtomicInteger();
        Pacer.run(count, perSecond, (i, due) -> {
            String to = "+1212" + (numberBase + i);
            createSentAt.put(to, due);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                // overloaded: shed instead of queueing without bound in the load generator
                errors.incrementAndGet();
                shed.incrementAndGet();
                return;
            }
            inFlight.incrementAndGet();
            http.sendAsync(post("/api/v1/challenges", "{\"to\":\"" + to + "\"}"), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((resp, err) -> {
                        inFlight.decrementAndGet();
                        httpLatency.recordValue((System.nanoTime() - due) / 1000);
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
                count, delivered, delivered / took, errors.get(), done.get(), shed.get());
    }

    /** Verifies, at {@code perSecond}, each challenge whose number starts with {@code prefix} and whose code came. */
    private Phase verifyPhase(int perSecond, String prefix) throws InterruptedException {
        var targets = ids.entrySet().stream().filter(e -> codes.containsKey(e.getKey())
                && e.getKey().startsWith(prefix)).toList();
        Recorder latency = new Recorder(3);
        AtomicInteger valid = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger shed = new AtomicInteger();
        long start = System.nanoTime();
        AtomicInteger inFlight = new AtomicInteger();
        Pacer.run(targets.size(), perSecond, (i, due) -> {
            var t = targets.get((int) i);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                errors.incrementAndGet();
                shed.incrementAndGet();
                answered.incrementAndGet();
                return;
            }
            inFlight.incrementAndGet();
            http.sendAsync(post("/api/v1/challenges/" + t.getValue() + "/verify",
                    "{\"code\":\"" + codes.get(t.getKey()) + "\"}"), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((resp, err) -> {
                        inFlight.decrementAndGet();
                        latency.recordValue((System.nanoTime() - due) / 1000);
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
                valid.get() / took, errors.get(), valid.get(), shed.get());
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(product.authUrl() + path))
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

    /**
     * @param done SMS delivered (create phases) or answers (verify)
     * @param perSecond SMS delivered per second (create phases) or valid:true answers per second (verify)
     * @param valid 201 answers (create phases) or valid:true answers (verify)
     * @param shed requests not sent because {@link #MAX_IN_FLIGHT} were in flight (counted in errors too)
     */
    private record Phase(Histogram latency, Histogram httpLatency, long sent, long done, double perSecond,
                         int errors, int valid, int shed) {
    }
}
