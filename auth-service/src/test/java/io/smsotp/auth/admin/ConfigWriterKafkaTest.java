package io.smsotp.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.config.AppConfig;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.events.OtpPolicy;
import io.smsotp.testsupport.TestKafka;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live configuration on a real broker, as two auth-service instances see it: each with its own
 * follower and writer on one topic.
 */
class ConfigWriterKafkaTest {

    static final String KEY = Base64.getEncoder().encodeToString("config-key-config-key-config-key".getBytes());
    private static final String TOKEN = "Bearer provider-token-9f8e7d6c";
    private static final String APP_KEY = "app-key-0123456789abcdef";

    private SmsOtpConfig file;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp() {
        String suffix = TestKafka.uniqueSuffix();
        ProviderConfig provider = new ProviderConfig("first", "http://first.example/send", "POST",
                Map.of("Authorization", TOKEN), "to=$ctx.num&text=$ctx.msg", List.of());
        AppConfig app = new AppConfig("shop", "Shop", APP_KEY, OtpPolicy.DEFAULT);
        file = SmsOtpConfig.defaults()
                .withKafka(new KafkaSettings(TestKafka.bootstrapServers(), 1, (short) 1)
                        .withConfigTopics("config-" + suffix, "audit-" + suffix))
                .withProviders(List.of(provider)).withApps(List.of(app)).withConfigEncryptionKey(KEY);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Whether a write by {@code actor} committed: its audit record shows up within a few seconds, or it never will. */
    private static boolean committed(AuditTrail audit, String actor) {
        try {
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !audit.list(actor, 0, 1).isEmpty());
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private ConfigFollower follower() throws InterruptedException {
        ConfigFollower f = new ConfigFollower(file, "test");
        closing.add(f);
        f.start();
        assertThat(f.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        return f;
    }

    @Test
    void theFileStandsUntilTheSeedAndTheSeedIsMadeOnce() throws Exception {
        ConfigFollower a = follower();
        ConfigFollower b = follower();
        assertThat(a.get().fromTopic()).isFalse();
        assertThat(a.get().providers()).extracting(ProviderConfig::name).containsExactly("first");

        new ConfigWriter(file, a, Clock.systemUTC()).seedIfEmpty();
        new ConfigWriter(file, b, Clock.systemUTC()).seedIfEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> b.seeded());
        LiveConfig live = b.get();
        assertThat(live.fromTopic()).isTrue();
        assertThat(live.providers()).containsExactlyElementsOf(file.providers());
        // the key only as its hash, and it is still the same key
        assertThat(live.app("shop").orElseThrow().apiKey()).startsWith("sha256:");
        assertThat(live.app("shop").orElseThrow().apiKeySha256()).isEqualTo(file.apps().get(0).apiKeySha256());
        assertThat(live.entry(ConfigKind.PROVIDER, "first").orElseThrow().version()).isEqualTo(1);
        // provider, app, limits and the seed mark: once, though both instances asked
        assertThat(rawValues(file.kafka().configTopic())).hasSize(4);
    }

    @Test
    void twoInstancesSeedingAtTheSameMomentBothStartAndTheSeedIsWrittenOnce() throws Exception {
        ConfigFollower a = follower();
        ConfigFollower b = follower();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> one = pool.submit(() -> new ConfigWriter(file, a, Clock.systemUTC()).seedIfEmpty());
            Future<?> two = pool.submit(() -> new ConfigWriter(file, b, Clock.systemUTC()).seedIfEmpty());
            // neither instance fails its start over the other's seed
            one.get();
            two.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.seeded()).isTrue();
        assertThat(b.seeded()).isTrue();
        assertThat(rawValues(file.kafka().configTopic())).hasSize(4);
    }

    @Test
    void aChangeWrittenThroughOneInstanceIsInEffectOnTheOtherAndAStaleVersionIsRefused() throws Exception {
        ConfigFollower a = follower();
        ConfigFollower b = follower();
        ConfigWriter writerA = new ConfigWriter(file, a, Clock.systemUTC());
        ConfigWriter writerB = new ConfigWriter(file, b, Clock.systemUTC());
        ProviderConfig second = new ProviderConfig("second", "http://second.example/send", "GET", null, null, null);

        writerA.write("admin:root", List.of(new ConfigWriter.Change(ConfigKind.PROVIDER, "second", second.toTree(),
                null, ConfigWriter.ABSENT, "provider.create")));

        await().atMost(Duration.ofSeconds(1)).until(() -> b.get().provider("second").isPresent());
        assertThat(b.get().providers()).extracting(ProviderConfig::name).containsExactly("first", "second");
        ObjectNode changed = second.toTree().put("url", "http://second.example/v2");
        assertThatThrownBy(() -> writerB.write("admin:root", List.of(new ConfigWriter.Change(ConfigKind.PROVIDER,
                "second", changed, null, 7, "provider.replace"))))
                .isInstanceOfSatisfying(ConfigWriteException.class,
                        e -> assertThat(e.reason()).isEqualTo(ConfigWriteException.Reason.STALE));
        assertThatThrownBy(() -> writerB.write("admin:root", List.of(new ConfigWriter.Change(ConfigKind.PROVIDER,
                "second", second.toTree(), null, ConfigWriter.ABSENT, "provider.create"))))
                .isInstanceOfSatisfying(ConfigWriteException.class,
                        e -> assertThat(e.reason()).isEqualTo(ConfigWriteException.Reason.EXISTS));
        assertThatThrownBy(() -> writerB.write("admin:root", List.of(new ConfigWriter.Change(ConfigKind.PROVIDER,
                "nobody", null, null, ConfigWriter.ANY, "provider.delete"))))
                .isInstanceOfSatisfying(ConfigWriteException.class,
                        e -> assertThat(e.reason()).isEqualTo(ConfigWriteException.Reason.NOT_FOUND));

        writerB.write("admin:root", List.of(new ConfigWriter.Change(ConfigKind.PROVIDER, "first", null, null, 1,
                "provider.delete")));
        await().atMost(Duration.ofSeconds(1)).until(() -> a.get().provider("first").isEmpty());
        assertThat(a.get().providers()).extracting(ProviderConfig::name).containsExactly("second");
    }

    @Test
    void twoInstancesWritingAtOnceLoseNoChange() throws Exception {
        ConfigFollower a = follower();
        ConfigFollower b = follower();
        List<ConfigWriter> writers = List.of(new ConfigWriter(file, a, Clock.systemUTC()),
                new ConfigWriter(file, b, Clock.systemUTC()));
        writers.get(0).seedIfEmpty();
        await().atMost(Duration.ofSeconds(5)).until(b::seeded);
        // each write's audit record commits in its transaction: it tells whether a write of unknown outcome happened
        AuditTrail audit = new AuditTrail(file);
        closing.add(audit);
        audit.start();
        int perWriter = 6;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (ConfigWriter w : writers) {
                ConfigFollower f = w == writers.get(0) ? a : b;
                String writer = w == writers.get(0) ? "a" : "b";
                done.add(pool.submit((Callable<Integer>) () -> {
                    int conflicts = 0;
                    for (int i = 0, attempt = 0; i < perWriter; attempt++) {
                        // read, change, write with the version read: a compare-and-set, retried on conflict
                        long version = f.get().entry(ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL).orElseThrow().version();
                        ObjectNode limits = (ObjectNode) f.get().entry(ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL)
                                .orElseThrow().body().deepCopy();
                        int max = limits.path("perNumber").path("max").asInt();
                        ((ObjectNode) limits.get("perNumber")).put("max", max + 1);
                        String actor = "admin:t-" + writer + "-" + attempt + "-end";
                        try {
                            w.write(actor, List.of(new ConfigWriter.Change(ConfigKind.RATE_LIMITS,
                                    LiveConfig.GLOBAL, limits, null, version, "rateLimits.replace")));
                            i++;
                        } catch (ConfigWriteException e) {
                            if (e.reason() == ConfigWriteException.Reason.UNAVAILABLE && committed(audit, actor)) {
                                // the broker failed the commit's answer while a fence raced it (an unknown
                                // outcome, which the writer reports as unavailable); it did commit
                                i++;
                                continue;
                            }
                            assertThat(e.reason()).isIn(ConfigWriteException.Reason.STALE,
                                    ConfigWriteException.Reason.CONCURRENT, ConfigWriteException.Reason.UNAVAILABLE);
                            conflicts++;
                        }
                    }
                    return conflicts;
                }));
            }
            for (Future<Integer> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int start = file.rateLimits().perNumber().max();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(b.get().rateLimits().perNumber().max()).isEqualTo(start + 2 * perWriter));
        assertThat(a.get().entry(ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL).orElseThrow().version())
                .isEqualTo(1 + 2 * perWriter);
    }

    @Test
    void neitherTheConfigTopicNorTheAuditLogHoldsASecret() throws Exception {
        ConfigFollower a = follower();
        ConfigWriter writer = new ConfigWriter(file, a, Clock.systemUTC());
        AuditTrail audit = new AuditTrail(file);
        closing.add(audit);
        audit.start();
        ObjectNode changed = file.providers().get(0).toTree();
        ((ObjectNode) changed.get("headers")).put("Authorization", "Bearer rotated-token-1a2b3c");
        writer.write("admin:root", List.of(new ConfigWriter.Change(ConfigKind.PROVIDER, "first", changed, null,
                ConfigWriter.ANY, "provider.replace")));

        await().atMost(Duration.ofSeconds(5)).until(() -> audit.list(null, 0, 100).size() >= 4);
        List<String> everything = new ArrayList<>(rawValues(file.kafka().configTopic()));
        everything.addAll(rawValues(file.kafka().auditTopic()));
        assertThat(String.join("\n", everything)).doesNotContain("provider-token").doesNotContain("rotated-token")
                .doesNotContain(APP_KEY);
        AuditRecord replace = audit.list("provider.replace", 0, 10).get(0);
        assertThat(replace.actor()).isEqualTo("admin:root");
        assertThat(replace.before().path("headers").path("Authorization").asText()).isEqualTo(SecretMask.MASK);
        assertThat(replace.after().path("url").asText()).isEqualTo("http://first.example/send");
        assertThat(audit.list(null, 0, 100)).extracting(AuditRecord::action)
                .contains("provider.seed", "app.seed", "rateLimits.seed", "provider.replace");
    }

    static List<String> rawValues(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.key() + "=" + r.value());
                }
            }
        }
        return values;
    }
}
