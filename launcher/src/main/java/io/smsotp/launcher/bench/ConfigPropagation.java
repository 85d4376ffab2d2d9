package io.smsotp.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.dispatcher.SmsDispatcher;
import io.smsotp.events.TopicAdmin;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import io.smsotp.stream.OtpStreamService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import org.HdrHistogram.Histogram;

/**
 * How long a change of the live configuration takes to be in effect on every instance: several
 * auth-service, otp-stream and sms-dispatcher instances in one JVM on an in-process broker; one
 * auth-service instance writes a change (a provider's rate and the send limits, in one
 * transaction) and every instance is watched until it applies it. Times run from the start of the
 * write, so they include it.
 *
 * <pre>java -Xmx1g -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.ConfigPropagation [--instances 2] [--changes 200]</pre>
 */
public final class ConfigPropagation {

    private ConfigPropagation() {
    }

    public static void main(String[] args) throws Exception {
        int instances = intArg(args, "--instances", 2);
        int changes = intArg(args, "--changes", 200);
        Path dir = Files.createTempDirectory("smsotp-config-bench-");
        List<Runnable> stops = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start()) {
            String base = baseYaml(broker.bootstrapServers());
            SmsOtpConfig shared = ConfigLoader.parse(base, Map.of());
            TopicAdmin.ensurePipelineTopics(broker.bootstrapServers(), shared.kafka());
            List<AuthService> auths = new ArrayList<>();
            List<OtpStreamService> streams = new ArrayList<>();
            List<SmsDispatcher> dispatchers = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                SmsOtpConfig own = shared.withAuth(shared.auth().withDataDir(dir.resolve("auth-" + i).toString()))
                        .withStream(shared.stream().withStateDir(dir.resolve("streams-" + i).toString()));
                OtpStreamService s = new OtpStreamService(own);
                s.start();
                stops.add(0, s::stop);
                streams.add(s);
                SmsDispatcher d = new SmsDispatcher(own);
                d.start();
                stops.add(0, d::stop);
                dispatchers.add(d);
                AuthService a = AuthService.withKafka(own).start();
                stops.add(0, a::stop);
                auths.add(a);
            }
            System.out.printf("config propagation: %d cores, Java %s, %d instances each of auth-service, otp-stream,"
                            + " sms-dispatcher in one JVM, %d changes written through auth-service #1%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), instances, changes);
            ConfigWriter writer = auths.get(0).configWriter();
            Histogram write = new Histogram(3);
            Histogram auth = new Histogram(3);
            Histogram stream = new Histogram(3);
            Histogram dispatch = new Histogram(3);
            Histogram all = new Histogram(3);
            int warmUp = 20;
            for (int i = 1; i <= changes + warmUp; i++) {
                int value = 1000 + i;
                LiveConfig now = auths.get(0).liveConfig();
                ObjectNode provider = now.provider("p").orElseThrow().toTree().put("ratePerSecond", value);
                ObjectNode limits = (ObjectNode) ConfigLoader.treeOf(now.rateLimits());
                ((ObjectNode) limits.get("perNumber")).put("max", value);
                long start = System.nanoTime();
                writer.write("bench", List.of(
                        new ConfigWriter.Change(ConfigKind.PROVIDER, "p", provider, null, ConfigWriter.ANY, "bench"),
                        new ConfigWriter.Change(ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL, limits, null,
                                ConfigWriter.ANY, "bench")));
                long written = System.nanoTime();
                List<IntPredicate> pending = new ArrayList<>();
                List<Histogram> into = new ArrayList<>();
                for (AuthService a : auths) {
                    pending.add(v -> a.liveConfig().provider("p").map(ProviderConfig::ratePerSecond).orElse(0) == v);
                    into.add(auth);
                }
                for (OtpStreamService s : streams) {
                    pending.add(v -> s.rateLimits().perNumber().max() == v);
                    into.add(stream);
                }
                for (SmsDispatcher d : dispatchers) {
                    pending.add(v -> d.providers().stream().anyMatch(p -> p.ratePerSecond() != null
                            && p.ratePerSecond() == v));
                    into.add(dispatch);
                }
                boolean[] seen = new boolean[pending.size()];
                int left = pending.size();
                long deadline = start + TimeUnit.SECONDS.toNanos(30);
                while (left > 0 && System.nanoTime() < deadline) {
                    for (int k = 0; k < pending.size(); k++) {
                        if (!seen[k] && pending.get(k).test(value)) {
                            seen[k] = true;
                            left--;
                            if (i > warmUp) {
                                long micros = (System.nanoTime() - start) / 1000;
                                into.get(k).recordValue(micros);
                                all.recordValue(micros);
                            }
                        }
                    }
                    LockSupport.parkNanos(100_000);
                }
                if (left > 0) {
                    throw new IllegalStateException("change " + i + " did not reach " + left + " instances in 30 s");
                }
                if (i > warmUp) {
                    write.recordValue((written - start) / 1000);
                }
            }
            System.out.println();
            System.out.println("| seen by | p50 ms | p99 ms | max ms |");
            System.out.println("|---|---|---|---|");
            row("the write itself (commit and read back)", write);
            row("auth-service instances", auth);
            row("otp-stream instances", stream);
            row("sms-dispatcher instances", dispatch);
            row("every instance", all);
            System.out.printf("{\"instancesPerService\": %d, \"changes\": %d, \"writeP99\": %.1f, \"propagationP50\": %.1f,"
                            + " \"propagationP99\": %.1f, \"propagationMax\": %.1f}%n", instances, changes,
                    ms(write.getValueAtPercentile(99)), ms(all.getValueAtPercentile(50)),
                    ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()));
        } finally {
            for (Runnable stop : stops) {
                try {
                    stop.run();
                } catch (RuntimeException e) {
                    System.err.println("stop: " + e);
                }
            }
        }
        System.exit(0);
    }

    private static void row(String what, Histogram h) {
        System.out.printf("| %s | %.1f | %.1f | %.1f |%n", what, ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static String baseYaml(String bootstrap) {
        SecureRandom random = new SecureRandom();
        java.util.function.Supplier<String> key = () -> {
            byte[] b = new byte[32];
            random.nextBytes(b);
            return Base64.getEncoder().encodeToString(b);
        };
        return "kafka:\n  bootstrapServers: " + bootstrap + "\n  partitions: 3\n"
                + "auth:\n  port: 0\n  drainDelay: PT0S\n"
                + "stream:\n  codeHmacKey: " + key.get() + "\n  managementPort: -1\n"
                + "dispatcher:\n  managementPort: -1\n"
                + "smsEncryptionKey: " + key.get() + "\ncodeEncryptionKey: " + key.get() + "\n"
                + "configEncryptionKey: " + key.get() + "\n"
                + "providers:\n  - name: p\n    url: http://127.0.0.1:9/send?to=$ctx.num\n    method: GET\n"
                + "apps:\n  - id: bench\n    apiKey: " + key.get() + "\n";
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
