package io.smsotp.stream;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import java.util.function.Supplier;
import io.smsotp.events.Topics;
import io.smsotp.stream.challenge.ChallengeMetrics;
import io.smsotp.stream.challenge.ChallengeProcessor;
import io.smsotp.stream.limit.LimitTopics;
import io.smsotp.stream.limit.SendLimiter;
import java.util.Objects;
import org.apache.kafka.streams.Topology;

/**
 * The whole of otp-stream: commands and delivery reports in, outcomes and send requests out,
 * through two stateful processors, each where its key's records meet.
 *
 * <pre>
 *   otp.commands ───────┐                            ┌─► otp.events
 *   sms.status ─────────┼─► ChallengeProcessor ──────┼─► sms.outbound (text sealed)
 *   otp.send-decisions ─┘   [challenges,             └─► otp.send-permits (key: first limit's key; releases)
 *          ▲                 challenge-expiry-index]            │
 *          │                                                    ▼
 *          └────────── SendLimiter [send-limits, send-limit-expiry] ◄─┐
 *             (granted by the last limit, or refused)      │          │
 *                                                          └──────────┘
 *                                              granted, more limits: re-keyed to the next one
 * </pre>
 *
 * Keys: challenge id on the left, limit key ({@code per_number:<hmac>}, {@code per_app:<id>},
 * {@code per_ip:<hmac>}) on {@code otp.send-permits}. The two processors form two sub-topologies
 * (tasks), connected only through those topics.
 */
public final class OtpTopology {

    public static final String COMMANDS_SOURCE = "Commands";
    public static final String SMS_STATUS_SOURCE = "SmsStatus";
    public static final String DECISIONS_SOURCE = "SendDecisions";
    public static final String PERMITS_SOURCE = "SendPermits";
    public static final String CHALLENGE_PROCESSOR = "ChallengeProcessor";
    public static final String SEND_LIMITER = "SendLimiter";

    private OtpTopology() {
    }

    /**
     * Builds the topology. The challenge processor's three input topics are keyed by challenge id
     * and have the same partition count, so partition N of each lands in the same task, beside the
     * state of the challenges it names: that co-partitioning is what lets one processor read them.
     *
     * @throws IllegalArgumentException without {@code stream.codeHmacKey}, {@code smsEncryptionKey} or
     *     {@code codeEncryptionKey}
     */
    public static Topology buildTopology(SmsOtpConfig config) {
        return buildTopology(config, ChallengeMetrics.unread());
    }

    /** The topology, counting the challenges' outcomes into {@code metrics}. */
    public static Topology buildTopology(SmsOtpConfig config, ChallengeMetrics metrics) {
        return buildTopology(config, metrics, config::rateLimits);
    }

    /** The topology, with the send limits read from {@code rateLimits} at each send (the live configuration). */
    public static Topology buildTopology(SmsOtpConfig config, ChallengeMetrics metrics,
                                         Supplier<RateLimitSettings> rateLimits) {
        return buildTopology(OtpStreamConfig.of(Objects.requireNonNull(config, "config")), metrics, rateLimits);
    }

    /** The topology of otp-stream's part of the configuration. */
    public static Topology buildTopology(OtpStreamConfig config, ChallengeMetrics metrics,
                                         Supplier<RateLimitSettings> rateLimits) {
        Objects.requireNonNull(config, "config");
        Topology topology = new Topology();
        topology.addSource(COMMANDS_SOURCE, Topics.COMMANDS.keySerde().deserializer(),
                Topics.COMMANDS.valueSerde().deserializer(), Topics.COMMANDS.name());
        topology.addSource(SMS_STATUS_SOURCE, Topics.SMS_STATUS.keySerde().deserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer(), Topics.SMS_STATUS.name());
        topology.addSource(DECISIONS_SOURCE, LimitTopics.SEND_DECISIONS.keySerde().deserializer(),
                LimitTopics.SEND_DECISIONS.valueSerde().deserializer(), LimitTopics.SEND_DECISIONS.name());
        topology.addProcessor(CHALLENGE_PROCESSOR, ChallengeProcessor.supplier(config, metrics, rateLimits),
                COMMANDS_SOURCE, SMS_STATUS_SOURCE, DECISIONS_SOURCE);
        topology.addSink(ChallengeProcessor.EVENTS_SINK, Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer(), CHALLENGE_PROCESSOR);
        topology.addSink(ChallengeProcessor.SMS_OUTBOUND_SINK, Topics.SMS_OUTBOUND.name(),
                Topics.SMS_OUTBOUND.keySerde().serializer(), Topics.SMS_OUTBOUND.valueSerde().serializer(),
                CHALLENGE_PROCESSOR);
        topology.addSink(ChallengeProcessor.PERMITS_SINK, LimitTopics.SEND_PERMITS.name(),
                LimitTopics.SEND_PERMITS.keySerde().serializer(), LimitTopics.SEND_PERMITS.valueSerde().serializer(),
                CHALLENGE_PROCESSOR);

        topology.addSource(PERMITS_SOURCE, LimitTopics.SEND_PERMITS.keySerde().deserializer(),
                LimitTopics.SEND_PERMITS.valueSerde().deserializer(), LimitTopics.SEND_PERMITS.name());
        topology.addProcessor(SEND_LIMITER, SendLimiter.supplier(config.stream().expirySweepInterval()),
                PERMITS_SOURCE);
        // the limiter writes to the topic it reads: a granted request re-keyed for its next limit
        topology.addSink(SendLimiter.PERMITS_SINK, LimitTopics.SEND_PERMITS.name(),
                LimitTopics.SEND_PERMITS.keySerde().serializer(), LimitTopics.SEND_PERMITS.valueSerde().serializer(),
                SEND_LIMITER);
        topology.addSink(SendLimiter.DECISIONS_SINK, LimitTopics.SEND_DECISIONS.name(),
                LimitTopics.SEND_DECISIONS.keySerde().serializer(),
                LimitTopics.SEND_DECISIONS.valueSerde().serializer(), SEND_LIMITER);
        return topology;
    }
}
