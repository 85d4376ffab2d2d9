package io.smsotp.stream;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.Topics;
import io.smsotp.stream.challenge.ChallengeMetrics;
import io.smsotp.stream.challenge.ChallengeProcessor;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.Topology;

/**
 * The whole of otp-stream: commands and delivery reports in, outcomes and send requests out,
 * through one stateful processor, where every record of a challenge, and every challenge to one
 * number, meets.
 *
 * <pre>
 *   otp.commands ──┐                                   ┌─► otp.events
 *                  ├─► ChallengeProcessor ─────────────┤
 *   sms.status ────┘   [challenges, challenge-expiry-index,  └─► sms.outbound (text sealed)
 *                       challenge-send-limits, challenge-send-limit-expiry]
 * </pre>
 *
 * Keys: challenge id on every topic. A challenge id is drawn so that it lands on its recipient
 * number's partition ({@link io.smsotp.events.ChallengePlacement}): the send limits are counted
 * in the challenge's own task, with no trip through Kafka.
 */
public final class OtpTopology {

    public static final String COMMANDS_SOURCE = "Commands";
    public static final String SMS_STATUS_SOURCE = "SmsStatus";
    public static final String CHALLENGE_PROCESSOR = "ChallengeProcessor";

    private OtpTopology() {
    }

    /**
     * The topology for one-partition topics (tests with {@code TopologyTestDriver}), with the send
     * limits of the file.
     *
     * @throws IllegalArgumentException without {@code stream.codeHmacKey}, {@code smsEncryptionKey} or
     *     {@code codeEncryptionKey}
     */
    public static Topology buildTopology(SmsOtpConfig config) {
        return buildTopology(config, ChallengeMetrics.unread());
    }

    /** The topology for one-partition topics, counting the challenges' outcomes into {@code metrics}. */
    public static Topology buildTopology(SmsOtpConfig config, ChallengeMetrics metrics) {
        return buildTopology(config, metrics, config::rateLimits);
    }

    /** The topology for one-partition topics, with the send limits read from {@code rateLimits} at each send. */
    public static Topology buildTopology(SmsOtpConfig config, ChallengeMetrics metrics,
                                         Supplier<RateLimitSettings> rateLimits) {
        return buildTopology(OtpStreamConfig.of(Objects.requireNonNull(config, "config")), metrics, rateLimits,
                () -> 1);
    }

    /**
     * Builds the topology. The processor's two input topics are keyed by challenge id and have the
     * same partition count, so partition N of each lands in the same task, beside the state of the
     * challenges it names: that co-partitioning is what lets one processor read them.
     *
     * @param commandPartitions the partition count of {@code otp.commands}, read when a task starts: a
     *     create whose id is not on its number's partition is refused
     */
    public static Topology buildTopology(OtpStreamConfig config, ChallengeMetrics metrics,
                                         Supplier<RateLimitSettings> rateLimits, IntSupplier commandPartitions) {
        Objects.requireNonNull(config, "config");
        Topology topology = new Topology();
        topology.addSource(COMMANDS_SOURCE, Topics.COMMANDS.keySerde().deserializer(),
                Topics.COMMANDS.valueSerde().deserializer(), Topics.COMMANDS.name());
        topology.addSource(SMS_STATUS_SOURCE, Topics.SMS_STATUS.keySerde().deserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer(), Topics.SMS_STATUS.name());
        topology.addProcessor(CHALLENGE_PROCESSOR,
                ChallengeProcessor.supplier(config, metrics, rateLimits, commandPartitions),
                COMMANDS_SOURCE, SMS_STATUS_SOURCE);
        topology.addSink(ChallengeProcessor.EVENTS_SINK, Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer(), CHALLENGE_PROCESSOR);
        topology.addSink(ChallengeProcessor.SMS_OUTBOUND_SINK, Topics.SMS_OUTBOUND.name(),
                Topics.SMS_OUTBOUND.keySerde().serializer(), Topics.SMS_OUTBOUND.valueSerde().serializer(),
                CHALLENGE_PROCESSOR);
        return topology;
    }
}
