package io.smsotp.stream.limit;

import io.smsotp.events.JsonSerde;
import io.smsotp.events.Topic;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * otp-stream's own topics for the send limits. They are written and read only by otp-stream;
 * {@link io.smsotp.stream.InternalTopics} makes them at start.
 */
public final class LimitTopics {

    /** Permit requests and releases, keyed by limit key ({@link LimitKeys}): any partition count. */
    public static final Topic<String, LimitMessage> SEND_PERMITS =
            new Topic<>("otp.send-permits", Serdes.String(), JsonSerde.serdeFor(LimitMessage.class));

    /**
     * Decisions, keyed by challenge id; read by the challenge processor together with
     * {@code otp.commands}, so it must have the same partition count (co-partitioned).
     */
    public static final Topic<String, SendDecision> SEND_DECISIONS =
            new Topic<>("otp.send-decisions", Serdes.String(), JsonSerde.serdeFor(SendDecision.class));

    public static final List<Topic<?, ?>> ALL = List.of(SEND_PERMITS, SEND_DECISIONS);

    private LimitTopics() {
    }
}
