package io.smsotp.launcher.bench;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.Topics;
import io.smsotp.stream.OtpTopology;
import io.smsotp.stream.StreamsProperties;
import io.smsotp.stream.challenge.ChallengeMetrics;
import io.smsotp.stream.challenge.ChallengeRecord;
import io.smsotp.stream.challenge.ChallengeRules;
import io.smsotp.stream.challenge.ChallengeStore;
import io.smsotp.stream.expiry.ExpiryIndex;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * otp-stream's real topology on a {@link TopologyTestDriver}: production Streams properties
 * (exactly-once, RocksDB stores in a state dir), wall clock under the caller's control, so a sweep
 * runs only when {@link #advance} says and can be timed alone. The driver keeps every record
 * produced (changelogs included) until read, so {@link #drain} reads them all and counts what the
 * benchmark needs.
 */
final class SweepDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    private static final String APP = "bench";

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, OtpCommand> commands;
    private final TestOutputTopic<String, OtpEvent> events;
    private final Map<String, TestOutputTopic<byte[], byte[]>> others = new HashMap<>();
    private final KeyValueStore<String, Object> challenges;
    private Instant now = START;
    private long created;
    private long expired;
    private long rejected;
    private long smsSent;

    SweepDriver(Path stateDir) {
        StreamSettings stream = new StreamSettings("otp-stream-sweep-bench", randomKey(), null, SWEEP_INTERVAL,
                stateDir.toString(), null);
        KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers("bench:9092");
        // every challenge goes to its own number; a window longer than the run keeps the limiter's
        // own sweep idle, so the times below are the challenges' sweep alone
        RateLimitSettings limits = new RateLimitSettings(
                new RateLimitSettings.Limit(1_000_000, Duration.ofDays(1)), null);
        SmsOtpConfig config = SmsOtpConfig.defaults().withStream(stream).withKafka(kafka).withRateLimits(limits)
                .withSmsEncryptionKey(randomKey()).withCodeEncryptionKey(randomKey());
        driver = new TopologyTestDriver(OtpTopology.buildTopology(config, ChallengeMetrics.unread(), () -> limits),
                StreamsProperties.of(stream, kafka), START);
        commands = driver.createInputTopic(Topics.COMMANDS.name(), Topics.COMMANDS.keySerde().serializer(),
                Topics.COMMANDS.valueSerde().serializer());
        events = driver.createOutputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().deserializer(),
                Topics.EVENTS.valueSerde().deserializer());
        challenges = driver.getKeyValueStore(ChallengeStore.NAME);
    }

    /** A create command for challenge {@code id} to {@code to}, processed at once (limits route included). */
    void create(String id, String to, OtpPolicy policy) {
        commands.pipeInput(id, new OtpCommand.CreateChallenge(id, APP, "Bench", to, policy, null, "req-" + id,
                "bench"));
    }

    /** Moves the wall clock on; a sweep due by then runs (once) and commits inside this call. */
    void advance(Duration d) {
        driver.advanceWallClockTime(d);
        now = now.plus(d);
    }

    /** The driver's wall clock. */
    Instant now() {
        return now;
    }

    /**
     * Indexes every stored challenge for the sweep, as a task does when it starts (the index has no
     * changelog): here over entries that are all there already, as after a restart on the same state dir.
     *
     * @return how many challenges were indexed
     */
    int reindex() {
        KeyValueStore<String, ChallengeRecord> stored = driver.getKeyValueStore(ChallengeStore.NAME);
        KeyValueStore<Bytes, byte[]> index = driver.getKeyValueStore(ExpiryIndex.STORE);
        return new ExpiryIndex(index).rebuild(stored, ChallengeRules::sweepDue);
    }

    /** Whether the challenge store still holds {@code id} (expired challenges stay until purged). */
    boolean holds(String id) {
        return challenges.get(id) != null;
    }

    /** Reads everything produced since the last drain: counts the events and SMS, drops the rest. */
    void drain() {
        for (OtpEvent e : events.readValuesToList()) {
            if (e instanceof OtpEvent.ChallengeCreated) {
                created++;
            } else if (e instanceof OtpEvent.ChallengeExpired) {
                expired++;
            } else if (e instanceof OtpEvent.CommandRejected) {
                rejected++;
            }
        }
        for (String topic : driver.producedTopicNames()) {
            if (topic.equals(Topics.EVENTS.name())) {
                continue;
            }
            TestOutputTopic<byte[], byte[]> out = others.computeIfAbsent(topic, t -> driver.createOutputTopic(t,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            long n = out.getQueueSize();
            out.readRecordsToList();
            if (topic.equals(Topics.SMS_OUTBOUND.name())) {
                smsSent += n;
            }
        }
    }

    /** ChallengeCreated events read so far. */
    long created() {
        return created;
    }

    /** ChallengeExpired events read so far. */
    long expired() {
        return expired;
    }

    /** CommandRejected events read so far. */
    long rejected() {
        return rejected;
    }

    /** Send requests on sms.outbound read so far. */
    long smsSent() {
        return smsSent;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Override
    public void close() {
        driver.close();
    }
}
