package io.smsotp.events;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the pipeline. All of them are keyed by challenge id, so that every command,
 * outcome, send request and delivery report of one challenge lands on one partition, in order,
 * and is handled by one writer.
 */
public final class Topics {

    /** auth-service → otp-stream: create, verify, status query. */
    public static final Topic<String, OtpCommand> COMMANDS =
            new Topic<>("otp.commands", Serdes.String(), JsonSerde.serdeFor(OtpCommand.class));

    /** otp-stream → auth-service: the outcome of each command, and expiries. */
    public static final Topic<String, OtpEvent> EVENTS =
            new Topic<>("otp.events", Serdes.String(), JsonSerde.serdeFor(OtpEvent.class));

    /** otp-stream → sms-dispatcher: one send request per code sent. */
    public static final Topic<String, SmsRequest> SMS_OUTBOUND =
            new Topic<>("sms.outbound", Serdes.String(), JsonSerde.serdeFor(SmsRequest.class));

    /** sms-dispatcher → otp-stream: delivery outcome of each send request. */
    public static final Topic<String, SmsStatus> SMS_STATUS =
            new Topic<>("sms.status", Serdes.String(), JsonSerde.serdeFor(SmsStatus.class));

    /** Records no service could read, with the reason in their headers; raw bytes kept as they came. */
    public static final Topic<byte[], byte[]> DEAD_LETTER =
            new Topic<>("otp.deadletter", Serdes.ByteArray(), Serdes.ByteArray());

    /**
     * auth-service → every instance of every service: providers, applications and limits, keyed
     * {@code kind/id} ({@code provider/twilio}, {@code app/demo}), the body sealed; compacted, one
     * partition so that every reader sees every change in one order.
     */
    public static final Topic<String, String> CONFIG =
            new Topic<>("smsotp.config", Serdes.String(), Serdes.String());

    /** auth-service → the admin API and console: every change of configuration or of a user, secrets masked. */
    public static final Topic<String, String> AUDIT =
            new Topic<>("smsotp.audit", Serdes.String(), Serdes.String());

    /** The topics the pipeline needs, in the order they are created. */
    public static final List<Topic<?, ?>> ALL = List.of(COMMANDS, EVENTS, SMS_OUTBOUND, SMS_STATUS, DEAD_LETTER);

    private Topics() {
    }
}
