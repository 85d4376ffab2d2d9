package io.smsotp.stream;

import io.smsotp.config.StreamSettings;
import io.smsotp.events.Topics;
import io.smsotp.stream.challenge.ChallengeProcessor;
import java.util.Objects;
import org.apache.kafka.streams.Topology;

/**
 * The whole of otp-stream: commands and delivery reports in, outcomes and send requests out,
 * through one stateful processor.
 *
 * <pre>
 *   otp.commands ─┐                          ┌─► otp.events
 *                 ├─► ChallengeProcessor ────┤
 *   sms.status  ──┘   [challenges,           └─► sms.outbound
 *                      challenge-expiry-index]
 * </pre>
 */
public final class OtpTopology {

    public static final String COMMANDS_SOURCE = "Commands";
    public static final String SMS_STATUS_SOURCE = "SmsStatus";
    public static final String CHALLENGE_PROCESSOR = "ChallengeProcessor";

    private OtpTopology() {
    }

    /**
     * Builds the topology. Both input topics are keyed by challenge id and created with the same
     * partition count, so partition N of each lands in the same task, beside the state of the
     * challenges it names: that co-partitioning is what lets one processor read both.
     */
    public static Topology buildTopology(StreamSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Topology topology = new Topology();
        topology.addSource(COMMANDS_SOURCE, Topics.COMMANDS.keySerde().deserializer(),
                Topics.COMMANDS.valueSerde().deserializer(), Topics.COMMANDS.name());
        topology.addSource(SMS_STATUS_SOURCE, Topics.SMS_STATUS.keySerde().deserializer(),
                Topics.SMS_STATUS.valueSerde().deserializer(), Topics.SMS_STATUS.name());
        topology.addProcessor(CHALLENGE_PROCESSOR, ChallengeProcessor.supplier(settings),
                COMMANDS_SOURCE, SMS_STATUS_SOURCE);
        topology.addSink(ChallengeProcessor.EVENTS_SINK, Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer(), CHALLENGE_PROCESSOR);
        topology.addSink(ChallengeProcessor.SMS_OUTBOUND_SINK, Topics.SMS_OUTBOUND.name(),
                Topics.SMS_OUTBOUND.keySerde().serializer(), Topics.SMS_OUTBOUND.valueSerde().serializer(),
                CHALLENGE_PROCESSOR);
        return topology;
    }
}
