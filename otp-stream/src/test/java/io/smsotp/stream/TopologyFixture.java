package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The real topology on a TopologyTestDriver, with the production Streams properties. */
final class TopologyFixture implements AutoCloseable {

    static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
    static final String APP = "demo";
    static final String TO = "+15551234567";
    private static final Pattern CODE = Pattern.compile("^(\\d+) is your ");

    final TopologyTestDriver driver;
    final StreamSettings settings;
    private final TestInputTopic<String, OtpCommand> commands;
    private final TestInputTopic<String, SmsStatus> statuses;
    private final TestInputTopic<String, String> rawCommands;
    private final TestOutputTopic<String, OtpEvent> events;
    private final TestOutputTopic<String, SmsRequest> sms;

    TopologyFixture(Path stateDir, Duration sweepInterval) {
        this(stateDir, sweepInterval, StreamsConfig.EXACTLY_ONCE_V2);
    }

    TopologyFixture(Path stateDir, Duration sweepInterval, String processingGuarantee) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        settings = new StreamSettings("otp-stream-test", Base64.getEncoder().encodeToString(key), null,
                sweepInterval, stateDir.toString(), null);
        Properties props = StreamsProperties.of(settings, KafkaSettings.defaults().withBootstrapServers("test:9092"));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        driver = new TopologyTestDriver(OtpTopology.buildTopology(settings), props, START);
        commands = driver.createInputTopic(Topics.COMMANDS.name(), Topics.COMMANDS.keySerde().serializer(),
                Topics.COMMANDS.valueSerde().serializer());
        rawCommands = driver.createInputTopic(Topics.COMMANDS.name(), new StringSerializer(), new StringSerializer());
        statuses = driver.createInputTopic(Topics.SMS_STATUS.name(), Topics.SMS_STATUS.keySerde().serializer(),
                Topics.SMS_STATUS.valueSerde().serializer());
        events = driver.createOutputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().deserializer(),
                Topics.EVENTS.valueSerde().deserializer());
        sms = driver.createOutputTopic(Topics.SMS_OUTBOUND.name(), Topics.SMS_OUTBOUND.keySerde().deserializer(),
                Topics.SMS_OUTBOUND.valueSerde().deserializer());
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    void create(String id, OtpPolicy policy) {
        commands.pipeInput(id, new OtpCommand.CreateChallenge(id, APP, "Demo", TO, policy, "req-create-" + id, "auth-1"));
    }

    /** Creates a challenge with the default policy and returns the code its SMS carries. */
    String createAndReadCode(String id) {
        return createAndReadCode(id, OtpPolicy.DEFAULT);
    }

    /** Creates a challenge and returns the code its SMS carries, with the created event read. */
    String createAndReadCode(String id, OtpPolicy policy) {
        create(id, policy);
        events.readValuesToList();
        return codeOf(sms.readValue());
    }

    void verify(String id, String code, String requestId) {
        commands.pipeInput(id, new OtpCommand.VerifyCode(id, APP, code, requestId, "auth-2"));
    }

    void verifyAs(String appId, String id, String code) {
        commands.pipeInput(id, new OtpCommand.VerifyCode(id, appId, code, "req-other", "auth-2"));
    }

    void status(String id, String requestId) {
        commands.pipeInput(id, new OtpCommand.GetStatus(id, APP, requestId, "auth-3"));
    }

    void resend(String id, String requestId) {
        commands.pipeInput(id, new OtpCommand.ResendCode(id, APP, requestId, "auth-4"));
    }

    void resendAs(String appId, String id) {
        commands.pipeInput(id, new OtpCommand.ResendCode(id, appId, "req-other", "auth-4"));
    }

    void cancel(String id, String requestId) {
        commands.pipeInput(id, new OtpCommand.CancelChallenge(id, APP, requestId, "auth-5"));
    }

    void cancelAs(String appId, String id) {
        commands.pipeInput(id, new OtpCommand.CancelChallenge(id, appId, "req-other", "auth-5"));
    }

    void pipeRaw(String key, String json) {
        rawCommands.pipeInput(key, json);
    }

    void deliveryReport(String id, String messageId, Delivery delivery, String reason) {
        statuses.pipeInput(id, new SmsStatus(messageId, id, delivery, "sink", delivery == Delivery.SENT ? 202 : 500,
                reason, START));
    }

    List<OtpEvent> events() {
        return events.readValuesToList();
    }

    /** The one event the last command produced. */
    OtpEvent onlyEvent() {
        List<OtpEvent> list = events();
        if (list.size() != 1) {
            throw new AssertionError("expected one event, got " + list);
        }
        return list.get(0);
    }

    List<SmsRequest> smsRequests() {
        return sms.readValuesToList();
    }

    List<byte[]> rawRecordsOf(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readValuesToList();
    }

    void advance(Duration d) {
        driver.advanceWallClockTime(d);
    }

    /** A code of the same length that is certainly not {@code code}: its last digit changed. */
    static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
    }

    static String codeOf(SmsRequest request) {
        Matcher m = CODE.matcher(request.text());
        if (!m.find()) {
            throw new AssertionError("no code at the start of the SMS text");
        }
        return m.group(1);
    }

    @Override
    public void close() {
        driver.close();
    }
}
