package io.smsotp.launcher.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.SmsDispatcher;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The dispatcher alone: sends per second from {@code sms.outbound} through 1, 2 and 4 workers to a
 * local HTTP provider that answers after 50 ms, and through 1 worker to one that answers at once.
 * Everything runs in this JVM: a real KRaft broker, the workers ({@link SmsDispatcher}, default
 * settings: 64 calls in flight, 1,000 pending), the provider and the load generator. Requests are
 * sealed as otp-stream seals them. Each scenario has two phases:
 *
 * <ol>
 *   <li><b>burst</b>: {@code --messages} requests produced at once; throughput is what the workers
 *       drain per second, from the first request produced to the last status reported;</li>
 *   <li><b>paced</b>: {@code --paced-seconds} at half the burst's throughput, for latency
 *       percentiles below saturation: produce → provider, and produce → status on sms.status.</li>
 * </ol>
 *
 * Run with:
 * {@code java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.DispatchBenchmark}
 */
public final class DispatchBenchmark {

    private static final int PARTITIONS = 8;
    private static final SmsCipher CIPHER = new SmsCipher(randomKey());

    private final String bootstrap;
    private final FakeSmsProvider provider;
    private final int messages;
    private final int pacedSeconds;

    private DispatchBenchmark(String bootstrap, FakeSmsProvider provider, int messages, int pacedSeconds) {
        this.bootstrap = bootstrap;
        this.provider = provider;
        this.messages = messages;
        this.pacedSeconds = pacedSeconds;
    }

    public static void main(String[] args) throws Exception {
        int messages = intArg(args, "--messages", 10_000);
        int pacedSeconds = intArg(args, "--paced-seconds", 5);
        // the JDK server closes idle keep-alive connections beyond 200; 4 workers keep 256 open
        System.setProperty("sun.net.httpserver.maxIdleConnections", "1024");
        // it writes headers and body apart: with Nagle on, the body waits for the client's delayed
        // ACK (40 ms), which measured here as 93 ms per 50 ms call; real providers do not do that
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path dir = Files.createTempDirectory("smsotp-dispatch-bench-");
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start();
             FakeSmsProvider provider = new FakeSmsProvider()) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, List.of(Topics.SMS_STATUS.name(), Topics.DEAD_LETTER.name()), 3,
                    (short) 1, Map.of());
            TopicAdmin.ensureTopics(bootstrap, List.of(Topics.SMS_OUTBOUND.name()), PARTITIONS, (short) 1, Map.of());
            DispatchBenchmark bench = new DispatchBenchmark(bootstrap, provider, messages, pacedSeconds);
            System.out.printf("dispatch benchmark: %d cores, max heap %d MiB, Java %s, sms.outbound %d partitions,"
                            + " %d messages per burst, dispatcher defaults (maxInFlight %d, maxPending %d)%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("java.version"), PARTITIONS, messages,
                    DispatcherSettings.defaults().maxInFlight(), DispatcherSettings.defaults().maxPending());
            // JIT, connections and the broker warm up outside the measured scenarios
            bench.scenario("warm-up (not counted)", 2, Duration.ofMillis(50), false);
            List<String> rows = new ArrayList<>();
            rows.add(bench.scenario("1 worker, provider 50 ms", 1, Duration.ofMillis(50), true));
            rows.add(bench.scenario("2 workers, provider 50 ms", 2, Duration.ofMillis(50), true));
            rows.add(bench.scenario("4 workers, provider 50 ms", 4, Duration.ofMillis(50), true));
            rows.add(bench.scenario("1 worker, provider at once", 1, Duration.ZERO, true));
            System.out.println();
            System.out.println("| workers, provider | burst: sends/s | paced at | produce→provider p50 / p99 | produce→status p50 / p99 |");
            System.out.println("|---|---|---|---|---|");
            rows.forEach(System.out::println);
        } finally {
            deleteQuietly(dir);
        }
        System.exit(0);
    }

    /** Runs one scenario with fresh workers in a fresh group; returns its table row. */
    private String scenario(String name, int workers, Duration latency, boolean print) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String group = "bench-dispatch-" + run;
        startAtEnd(group);
        provider.latency = latency;
        List<SmsDispatcher> started = new ArrayList<>();
        ProviderConfig sink = new ProviderConfig("bench", provider.url() + "/send?id=$ctx.id&to=$ctx.num", "GET",
                null, null, null);
        DispatcherSettings settings = new DispatcherSettings(group, null, null, null, null, null);
        try (StatusReader statuses = new StatusReader(bootstrap, run)) {
            for (int i = 0; i < workers; i++) {
                SmsDispatcher d = new SmsDispatcher(settings, List.of(sink), bootstrap, CIPHER);
                d.start();
                started.add(d);
            }
            awaitStableGroup(group, workers);

            Phase burst = produce(run + "b", messages, 0, statuses);
            double perSecond = burst.count / burst.seconds;
            int pacedRate = Math.max(50, (int) (perSecond / 2));
            Phase paced = produce(run + "p", pacedRate * pacedSeconds, pacedRate, statuses);
            if (print) {
                System.out.printf("%-28s burst %6d in %5.2f s = %6.0f sends/s (provider saw at most %d open);"
                                + " paced %d/s: produce→provider p50 %.1f p99 %.1f ms, produce→status p50 %.1f p99 %.1f ms%n",
                        name, burst.count, burst.seconds, perSecond, provider.maxOpen.get(), pacedRate,
                        ms(paced.toProvider, 50), ms(paced.toProvider, 99), ms(paced.toStatus, 50), ms(paced.toStatus, 99));
            } else {
                System.out.printf("%s: %d in %.2f s%n", name, burst.count, burst.seconds);
            }
            return String.format("| %s | %,.0f | %d/s | %.1f / %.1f ms | %.1f / %.1f ms |", name, perSecond, pacedRate,
                    ms(paced.toProvider, 50), ms(paced.toProvider, 99), ms(paced.toStatus, 50), ms(paced.toStatus, 99));
        } finally {
            started.forEach(SmsDispatcher::stop);
            provider.maxOpen.set(0);
        }
    }

    /** Produces {@code count} sealed requests ({@code perSecond} 0: all at once) and waits for all their statuses. */
    private Phase produce(String prefix, int count, int perSecond, StatusReader statuses) throws InterruptedException {
        Map<String, Long> producedAt = new ConcurrentHashMap<>(count * 2);
        Recorder toProvider = new Recorder(3);
        Recorder toStatus = new Recorder(3);
        provider.onReceive = (id, nanos) -> {
            Long t0 = producedAt.get(id);
            if (t0 != null) {
                toProvider.recordValue(Math.max(0, nanos - t0) / 1000);
            }
        };
        statuses.expect(prefix, count, (id, nanos) -> {
            Long t0 = producedAt.get(id);
            if (t0 != null) {
                toStatus.recordValue(Math.max(0, nanos - t0) / 1000);
            }
        });
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(10));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        long start = System.nanoTime();
        try (KafkaProducer<String, SmsRequest> producer = new KafkaProducer<>(p, new StringSerializer(),
                Topics.SMS_OUTBOUND.valueSerde().serializer())) {
            java.util.function.LongConsumer send = i -> {
                String id = prefix + "-" + i;
                SmsRequest r = new SmsRequest(id, "ch-" + id, "bench", "+1555" + String.format("%07d", i % 10_000_000),
                        "Your code is " + (100_000 + i % 900_000), expiresAt);
                SmsRequest sealed = CIPHER.seal(r);
                producedAt.put(id, System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.SMS_OUTBOUND.name(), r.challengeId(), sealed));
            };
            if (perSecond == 0) {
                for (long i = 0; i < count; i++) {
                    send.accept(i);
                }
            } else {
                Pacer.run(count, perSecond, send);
            }
        }
        long lastStatus = statuses.awaitAll(Duration.ofMinutes(3));
        provider.onReceive = null;
        return new Phase(statuses.seen(), (lastStatus - start) / 1e9, toProvider.getIntervalHistogram(),
                toStatus.getIntervalHistogram());
    }

    private record Phase(long count, double seconds, Histogram toProvider, Histogram toStatus) {
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** A new group starts at the end of sms.outbound: each scenario sends only its own requests. */
    private void startAtEnd(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(Topics.SMS_OUTBOUND.name(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void awaitStableGroup(String group, int members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (System.nanoTime() < deadline) {
                var d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
                if (d.groupState() == GroupState.STABLE && d.members().size() == members
                        && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("group " + group + " did not settle with " + members + " members");
    }

    /** Reads sms.status on its own thread and counts the reports of the current phase. */
    private static final class StatusReader implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile String prefix = "\u0000";
        private volatile java.util.function.ObjLongConsumer<String> onStatus = (id, n) -> { };
        private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
        private final AtomicLong last = new AtomicLong();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile int expected;

        StatusReader(String bootstrap, String run) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-status-" + run);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            KafkaConsumer<String, SmsStatus> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                    Topics.SMS_STATUS.valueSerde().deserializer());
            consumer.subscribe(List.of(Topics.SMS_STATUS.name()));
            // join and take position before anything is produced, so that no status is missed
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.assignment().forEach(tp -> consumer.position(tp));
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        for (ConsumerRecord<String, SmsStatus> r : consumer.poll(Duration.ofMillis(50))) {
                            long now = System.nanoTime();
                            String id = r.value().messageId();
                            if (id.startsWith(prefix) && seen.putIfAbsent(id, Boolean.TRUE) == null) {
                                if (!"sent".equals(r.value().delivery().wireName())) {
                                    failed.incrementAndGet();
                                }
                                onStatus.accept(id, now);
                                last.set(now);
                            }
                        }
                    }
                }
            }, "bench-status-reader");
            thread.start();
        }

        void expect(String phasePrefix, int count, java.util.function.ObjLongConsumer<String> callback) {
            seen.clear();
            failed.set(0);
            expected = count;
            onStatus = callback;
            prefix = phasePrefix + "-";
        }

        long awaitAll(Duration max) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (seen.size() < expected) {
                throw new IllegalStateException("only " + seen.size() + " of " + expected + " statuses arrived");
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + expected + " were not sent");
            }
            return last.get();
        }

        long seen() {
            return seen.size();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /**
     * A provider on 127.0.0.1 that answers 200 after {@code latency}, without a thread per open
     * request: the answer is scheduled, so hundreds of open requests cost no threads.
     */
    private static final class FakeSmsProvider implements AutoCloseable {
        private final HttpServer server;
        private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        private final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        volatile Duration latency = Duration.ZERO;
        volatile java.util.function.ObjLongConsumer<String> onReceive;

        FakeSmsProvider() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            long now = System.nanoTime();
            exchange.getRequestBody().readAllBytes();
            maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            String query = exchange.getRequestURI().getRawQuery();
            var callback = onReceive;
            if (callback != null && query != null && query.startsWith("id=")) {
                int end = query.indexOf('&');
                callback.accept(query.substring(3, end < 0 ? query.length() : end), now);
            }
            long wait = latency.toNanos();
            if (wait == 0) {
                answer(exchange);
            } else {
                timers.schedule(() -> answer(exchange), wait, TimeUnit.NANOSECONDS);
            }
        }

        private void answer(HttpExchange exchange) {
            try (exchange) {
                byte[] body = "{\"ok\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException e) {
                // the client gave up (timeout): nothing to answer
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            timers.shutdownNow();
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: the OS cleans what is left
        }
    }
}
