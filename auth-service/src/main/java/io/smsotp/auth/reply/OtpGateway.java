package io.smsotp.auth.reply;

import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.challenge.CommandsUnavailableException;
import io.smsotp.auth.challenge.StoppingException;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.KafkaClientProperties;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.Topic;
import io.smsotp.events.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smsotp.logging.ChallengeMdc;
import io.smsotp.metrics.KafkaConnections;
import io.smsotp.metrics.ServiceMetrics;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply with the single writer through Kafka. Each command goes to the commands topic,
 * keyed by challenge id, with a fresh request id and this instance's id as reply-to; a listener
 * thread reads every partition of the events topic and completes the request whose id a reply
 * names, when the reply is addressed to this instance.
 *
 * <p>The listener uses no consumer group: every auth-service instance must see every reply, since
 * the reply to its command lands on the challenge's partition, wherever that is. It starts at
 * the end of the topic; older outcomes belong to requests that no longer wait.
 *
 * <p>A verify's typed code is sealed ({@link CodeCipher}, bound to its challenge) before it is
 * published: only otp-stream, holding the same {@code codeEncryptionKey}, can read it.
 */
public final class OtpGateway implements ChallengeCommands {

    private static final Logger LOG = LoggerFactory.getLogger(OtpGateway.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);
    /** Gauge of the requests waiting for a reply: {@code smsotp_auth_pending_replies} in Prometheus. */
    public static final String PENDING_REPLIES = "smsotp.auth.pending.replies";

    private final String bootstrapServers;
    private final KafkaSettings kafka;
    private final Duration replyTimeout;
    private final Topic<String, OtpCommand> commandsTopic;
    private final Topic<String, OtpEvent> eventsTopic;
    private final String instanceId = "auth-" + UUID.randomUUID();
    private final Map<String, CompletableFuture<OtpEvent>> waiting = new ConcurrentHashMap<>();
    private final ExecutorService completer = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "otp-gateway-answers");
        t.setDaemon(true);
        return t;
    });

    private final int maxPending;
    private final SecureRandom random = new SecureRandom();
    private final CodeCipher codeCipher;
    private volatile boolean running;
    private KafkaProducer<String, OtpCommand> producer;
    private volatile Thread listener;
    private KafkaConsumer<String, byte[]> consumer;
    private volatile int assignedPartitions;
    private ServiceMetrics metrics;

    /** A gateway on the pipeline's own topics. */
    public OtpGateway(String bootstrapServers, Duration replyTimeout, CodeCipher codeCipher) {
        this(bootstrapServers, replyTimeout, codeCipher, Topics.COMMANDS, Topics.EVENTS);
    }

    /** A gateway on the given topics (tests use topics of their own). */
    public OtpGateway(String bootstrapServers, Duration replyTimeout, CodeCipher codeCipher,
                      Topic<String, OtpCommand> commandsTopic, Topic<String, OtpEvent> eventsTopic) {
        this(bootstrapServers, replyTimeout, AuthSettings.defaults().maxPending(), codeCipher, commandsTopic,
                eventsTopic);
    }

    /**
     * @param maxPending requests allowed to wait for a reply at once; more fail as unavailable at once
     * @param codeCipher seals each typed code for otp-stream
     */
    public OtpGateway(String bootstrapServers, Duration replyTimeout, int maxPending, CodeCipher codeCipher,
                      Topic<String, OtpCommand> commandsTopic, Topic<String, OtpEvent> eventsTopic) {
        this(KafkaSettings.defaults().withBootstrapServers(Objects.requireNonNull(bootstrapServers, "bootstrapServers")),
                replyTimeout, maxPending, codeCipher, commandsTopic, eventsTopic);
    }

    /**
     * @param kafka the brokers, and the client properties ({@code kafka.properties}) of both clients
     * @param maxPending requests allowed to wait for a reply at once; more fail as unavailable at once
     * @param codeCipher seals each typed code for otp-stream
     */
    public OtpGateway(KafkaSettings kafka, Duration replyTimeout, int maxPending, CodeCipher codeCipher,
                      Topic<String, OtpCommand> commandsTopic, Topic<String, OtpEvent> eventsTopic) {
        this.maxPending = maxPending;
        this.codeCipher = Objects.requireNonNull(codeCipher, "codeCipher");
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.bootstrapServers = Objects.requireNonNull(kafka.bootstrapServers(), "kafka.bootstrapServers");
        this.replyTimeout = Objects.requireNonNull(replyTimeout, "replyTimeout");
        this.commandsTopic = Objects.requireNonNull(commandsTopic, "commandsTopic");
        this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
    }

    /**
     * The gateway configured by {@code kafka.bootstrapServers}, {@code auth.replyTimeout},
     * {@code auth.maxPending} and {@code codeEncryptionKey}.
     *
     * @throws IllegalArgumentException without {@code codeEncryptionKey}
     */
    public static OtpGateway fromConfig(SmsOtpConfig config) {
        return fromConfig(io.smsotp.auth.AuthConfig.of(config));
    }

    /** The gateway of auth-service's part of the configuration. */
    public static OtpGateway fromConfig(io.smsotp.auth.AuthConfig config) {
        CodeCipher codeCipher = config.codeCipher();
        if (codeCipher == null) {
            throw new IllegalArgumentException("codeEncryptionKey is required: it seals each typed code on its way "
                    + "to otp-stream, which holds the same key");
        }
        return new OtpGateway(config.kafka(), config.auth().replyTimeout(),
                config.auth().maxPending(), codeCipher, Topics.COMMANDS, Topics.EVENTS);
    }

    /** The reply-to id this instance puts on its commands. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Connects, and returns once the listener's position at the end of every events partition
     * is fixed: a reply to any command sent afterwards is read.
     *
     * @throws IllegalStateException when the events topic does not exist
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions;
        try {
            partitions = eventPartitions();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy; position() resolves it now, before any command can be sent
            partitions.forEach(consumer::position);
            producer = new KafkaProducer<>(producerProperties(), commandsTopic.keySerde().serializer(),
                    commandsTopic.valueSerde().serializer());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        assignedPartitions = partitions.size();
        bindClientMetrics();
        running = true;
        listener = new Thread(this::listen, "otp-gateway-replies");
        listener.setDaemon(true);
        // from here on only the listener thread touches the consumer
        listener.start();
        LOG.info("otp gateway {} listening on {} ({} partitions)", instanceId, eventsTopic.name(), partitions.size());
    }

    /** {@link #stop(Duration)} within 10 s. */
    public void stop() {
        stop(Duration.ofSeconds(10));
    }

    /**
     * Takes no more commands, answers the requests still waiting with {@link StoppingException},
     * sends what the producer holds (flush) and closes both clients, within {@code timeout}.
     */
    public synchronized void stop(Duration timeout) {
        if (!running) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        running = false;
        int answered = answerWaitingAsStopping();
        consumer.wakeup();
        try {
            // the listener closes the consumer as it ends; half the time, the producer's flush the rest
            listener.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) / 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        completer.shutdown();
        LOG.info("otp gateway {} stopped: {} requests still waiting answered 503, commands flushed, reply listener"
                + " closed", instanceId, answered);
    }

    /**
     * Answers every request still waiting for otp-stream with {@link StoppingException} (HTTP
     * 503) now, rather than when its reply timeout ends; answers how many there were.
     */
    public int answerWaitingAsStopping() {
        StoppingException stopping = new StoppingException();
        int n = 0;
        for (CompletableFuture<OtpEvent> f : waiting.values()) {
            if (f.completeExceptionally(stopping)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Meters this gateway's Kafka producer and consumer into {@code metrics} (now, or when it starts),
     * and the requests waiting for a reply ({@code smsotp_auth_pending_replies}).
     */
    public synchronized void bindTo(ServiceMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Gauge.builder(PENDING_REPLIES, waiting, Map::size)
                .description("requests waiting for otp-stream's reply").register(metrics.registry());
        if (running) {
            bindClientMetrics();
        }
    }

    private void bindClientMetrics() {
        if (metrics != null) {
            metrics.closeWithRegistry(new KafkaClientMetrics(producer)).bindTo(metrics.registry());
            metrics.closeWithRegistry(new KafkaClientMetrics(consumer)).bindTo(metrics.registry());
        }
    }

    /**
     * Why replies cannot be read: empty while the listener runs with every partition of the events
     * topic assigned.
     */
    public List<String> problems() {
        Thread t = listener;
        if (!running || t == null || !t.isAlive()) {
            return List.of("not listening for otp-stream's replies on " + eventsTopic.name());
        }
        if (assignedPartitions == 0) {
            return List.of("no partition of " + eventsTopic.name() + " assigned");
        }
        // running is written after the consumer, so it is visible here; its metrics may be read from any thread
        if (KafkaConnections.count(consumer) == 0) {
            return List.of("not connected to Kafka at " + bootstrapServers);
        }
        return List.of();
    }

    /** Requests waiting for their reply now. */
    public int pending() {
        return waiting.size();
    }

    /**
     * Placed for the partition count of the commands topic as this producer's metadata has it: the
     * count that partitions the create it is about to send.
     *
     * @throws CommandsUnavailableException when the gateway is not running or the topic's metadata cannot be had
     */
    @Override
    public String newChallengeId(String to) {
        KafkaProducer<String, OtpCommand> p = producer;
        if (!running || p == null) {
            throw new CommandsUnavailableException("the otp gateway is not running");
        }
        try {
            return ChallengePlacement.newId(random, to, p.partitionsFor(commandsTopic.name()).size());
        } catch (KafkaException e) {
            throw new CommandsUnavailableException("no metadata for " + commandsTopic.name(), e);
        }
    }

    @Override
    public CompletionStage<OtpEvent> create(String challengeId, String appId, String appName, String to,
                                            OtpPolicy policy, String clientIp) {
        return send(new OtpCommand.CreateChallenge(challengeId, appId, appName, to, policy, clientIp, newRequestId(),
                instanceId));
    }

    @Override
    public CompletionStage<OtpEvent> verify(String challengeId, String appId, String code) {
        return send(codeCipher.seal(new OtpCommand.VerifyCode(challengeId, appId, code, newRequestId(), instanceId)));
    }

    @Override
    public CompletionStage<OtpEvent> status(String challengeId, String appId) {
        return send(new OtpCommand.GetStatus(challengeId, appId, newRequestId(), instanceId));
    }

    @Override
    public CompletionStage<OtpEvent> resend(String challengeId, String appId, String clientIp) {
        return send(new OtpCommand.ResendCode(challengeId, appId, clientIp, newRequestId(), instanceId));
    }

    @Override
    public CompletionStage<OtpEvent> cancel(String challengeId, String appId) {
        return send(new OtpCommand.CancelChallenge(challengeId, appId, newRequestId(), instanceId));
    }

    @Override
    public CompletionStage<OtpEvent> notice(String noticeId, String appId, String to, String text) {
        return send(new OtpCommand.SendNotice(noticeId, appId, to, text, newRequestId(), instanceId));
    }

    private CompletionStage<OtpEvent> send(OtpCommand command) {
        String requestId = command.requestId();
        CompletableFuture<OtpEvent> reply = new CompletableFuture<>();
        if (!running) {
            reply.completeExceptionally(new CommandsUnavailableException("the otp gateway is not running"));
            return reply;
        }
        if (waiting.size() >= maxPending) {
            // shed load: past this, waiting requests only grow until the heap runs out
            reply.completeExceptionally(new CommandsUnavailableException(
                    "busy: " + maxPending + " requests already wait for otp-stream"));
            return reply;
        }
        waiting.put(requestId, reply);
        reply.orTimeout(replyTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((event, error) -> waiting.remove(requestId, reply));
        try {
            producer.send(new ProducerRecord<>(commandsTopic.name(), command.challengeId(), command),
                    (metadata, error) -> {
                        if (error != null) {
                            reply.completeExceptionally(new CommandsUnavailableException(
                                    "could not publish " + kind(command) + " " + requestId, error));
                        }
                    });
        } catch (KafkaException e) {
            // e.g. no metadata within max.block.ms: the broker cannot be reached
            reply.completeExceptionally(new CommandsUnavailableException(
                    "could not publish " + kind(command) + " " + requestId, e));
        }
        return reply.exceptionally(error -> {
            throw asUnavailable(error, command);
        });
    }

    private RuntimeException asUnavailable(Throwable error, OtpCommand command) {
        if (error instanceof TimeoutException) {
            return new CommandsUnavailableException("no reply to " + kind(command) + " " + command.requestId()
                    + " within " + replyTimeout);
        }
        return error instanceof RuntimeException r ? r : new CompletionException(error);
    }

    private void listen() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(POLL)) {
                    deliver(rec);
                }
            }
        } catch (WakeupException e) {
            // stop() asked
        } catch (RuntimeException e) {
            LOG.error("otp gateway {} stopped reading replies; requests will time out", instanceId, e);
        } finally {
            // no group to leave: closing only ends the connections
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> rec) {
        if (rec.value() == null) {
            return;
        }
        OtpEvent event;
        try {
            event = eventsTopic.valueSerde().deserializer().deserialize(rec.topic(), rec.value());
        } catch (SerializationException e) {
            // not ours to dead-letter (we read every event); one bad record must not stop replies
            LOG.warn("skipping unreadable event at {}-{}@{}: {}", rec.topic(), rec.partition(), rec.offset(),
                    e.getMessage());
            return;
        }
        if (!instanceId.equals(event.replyTo()) || event.requestId() == null) {
            return;
        }
        CompletableFuture<OtpEvent> reply = waiting.remove(event.requestId());
        if (reply == null) {
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(event.challengeId())) {
                LOG.debug("late reply {} for challenge {}", event.requestId(), event.challengeId());
            }
            return;
        }
        // completing runs the HTTP answer (JSON, socket write); doing that here would make the one
        // listener thread the bottleneck of every instance's replies (measured: 12 % of all CPU
        // samples at 300 creates/s, on the listener alone)
        completer.execute(() -> reply.complete(event));
    }

    private List<TopicPartition> eventPartitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(eventsTopic.name(), STARTUP_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + eventsTopic.name()
                    + " does not exist at " + bootstrapServers + ": create the pipeline's topics first");
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, instanceId + "-commands");
        // a command the writer may act on must not be lost to a leader change
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // a retried send must not become a second command (two verify attempts for one request)
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // batches concurrent requests while adding at most 1 ms to each round trip
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // a request thread never waits for broker metadata longer than it would for the reply
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, replyTimeout.toMillis());
        return KafkaClientProperties.applyTo(p, kafka);
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-replies");
        // otp-stream writes in exactly-once transactions: an outcome counts only once committed
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // no group: positions live only in this process and start at the end each time
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a missing events topic is a deployment error to report, not one to paper over
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return KafkaClientProperties.applyTo(p, kafka);
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    private static String kind(OtpCommand command) {
        return command.getClass().getSimpleName();
    }
}
