package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import io.smsotp.stream.limit.SendCounts;
import io.smsotp.stream.limit.SendWindow;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smsotp.stream.challenge.ChallengeMetrics;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real topology on a TopologyTestDriver, with the production Streams properties. Its topics
 * have one partition, where every challenge id is placed right.
 */
final class TopologyFixture implements AutoCloseable {

    static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
    static final String APP = "demo";
    static final String TO = "+15551234567";
    private static final Pattern CODE = Pattern.compile("^([0-9A-Z]+) is your ");

    final TopologyTestDriver driver;
    /** What the challenge processor counts (smsotp.challenges by outcome). */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final StreamSettings settings;
    final SmsOtpConfig config;
    /** The key otp-stream seals SMS texts with, as sms-dispatcher holds it. */
    final SmsCipher cipher;
    /** The key auth-service seals typed codes with, as otp-stream holds it. */
    final CodeCipher codeCipher;
    private final TestInputTopic<String, OtpCommand> commands;
    private final TestInputTopic<String, SmsStatus> statuses;
    private final TestInputTopic<String, String> rawCommands;
    private final TestOutputTopic<String, OtpEvent> events;
    private final TestOutputTopic<String, SmsRequest> sms;

    TopologyFixture(Path stateDir, Duration sweepInterval) {
        this(stateDir, sweepInterval, StreamsConfig.EXACTLY_ONCE_V2);
    }

    TopologyFixture(Path stateDir, Duration sweepInterval, String processingGuarantee) {
        this(stateDir, sweepInterval, processingGuarantee, RateLimitSettings.defaults());
    }

    TopologyFixture(Path stateDir, Duration sweepInterval, RateLimitSettings rateLimits) {
        this(stateDir, sweepInterval, StreamsConfig.EXACTLY_ONCE_V2, rateLimits);
    }

    TopologyFixture(Path stateDir, Duration sweepInterval, String processingGuarantee, RateLimitSettings rateLimits) {
        settings = new StreamSettings("otp-stream-test", randomKey(), null, sweepInterval, stateDir.toString(), null);
        KafkaSettings kafka = KafkaSettings.defaults().withBootstrapServers("test:9092");
        config = SmsOtpConfig.defaults().withStream(settings).withKafka(kafka).withRateLimits(rateLimits)
                .withSmsEncryptionKey(randomKey()).withCodeEncryptionKey(randomKey());
        cipher = config.smsCipher();
        codeCipher = config.codeCipher();
        Properties props = StreamsProperties.of(settings, kafka);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        driver = new TopologyTestDriver(OtpTopology.buildTopology(config, new ChallengeMetrics(meters)), props, START);
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

    static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    void create(String id, OtpPolicy policy) {
        createFor(id, TO, policy, null);
    }

    /** A create to {@code to}, from {@code clientIp} (may be null). */
    void createFor(String id, String to, OtpPolicy policy, String clientIp) {
        commands.pipeInput(id, new OtpCommand.CreateChallenge(id, APP, "Demo", to, policy, clientIp,
                "req-create-" + id, "auth-1"));
    }

    /** Creates a challenge with the default policy and returns the code its SMS carries. */
    String createAndReadCode(String id) {
        return createAndReadCode(id, OtpPolicy.DEFAULT);
    }

    /** Creates a challenge and returns the code its SMS carries, with the created event read. */
    String createAndReadCode(String id, OtpPolicy policy) {
        create(id, policy);
        events.readValuesToList();
        return codeOf(cipher.open(sms.readValue()));
    }

    /** A verify as auth-service sends it: the typed code sealed to its challenge. */
    void verify(String id, String code, String requestId) {
        pipeVerify(codeCipher.seal(new OtpCommand.VerifyCode(id, APP, code, requestId, "auth-2")));
    }

    void verifyAs(String appId, String id, String code) {
        pipeVerify(codeCipher.seal(new OtpCommand.VerifyCode(id, appId, code, "req-other", "auth-2")));
    }

    /** A verify exactly as given: sealed or not, under whatever key, for whichever challenge. */
    void pipeVerify(OtpCommand.VerifyCode command) {
        commands.pipeInput(command.challengeId(), command);
    }

    void status(String id, String requestId) {
        commands.pipeInput(id, new OtpCommand.GetStatus(id, APP, requestId, "auth-3"));
    }

    void resend(String id, String requestId) {
        resendFrom(id, null, requestId);
    }

    void resendFrom(String id, String clientIp, String requestId) {
        commands.pipeInput(id, new OtpCommand.ResendCode(id, APP, clientIp, requestId, "auth-4"));
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

    void notice(String id, String to, String text, String requestId) {
        commands.pipeInput(id, new OtpCommand.SendNotice(id, APP, to, text, requestId, "auth-6"));
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

    /** The send requests made since the last read, their texts opened as the dispatcher opens them. */
    List<SmsRequest> smsRequests() {
        return sealedSmsRequests().stream().map(cipher::open).toList();
    }

    /** The send requests made since the last read, as they are on sms.outbound. */
    List<SmsRequest> sealedSmsRequests() {
        return sms.readValuesToList();
    }

    KeyValueStore<String, SendWindow> limitStore() {
        return driver.getKeyValueStore(SendCounts.STORE);
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
