package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.Topics;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.config.StreamSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.smsotp.metrics.ManagementServer;
import io.smsotp.metrics.ServiceMetrics;
import io.smsotp.stream.challenge.ChallengeMetrics;
import java.util.List;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-stream as a service: runs {@link OtpTopology} on Kafka Streams, with its health and metrics
 * on {@code stream.managementPort} (ready while Kafka Streams is RUNNING).
 */
public final class OtpStreamService {

    /** Long enough for a first start that creates changelogs and restores state. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(OtpStreamService.class);

    private final StreamSettings stream;
    private final KafkaSettings kafka;
    private final Topology topology;
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
    private final ServiceMetrics metrics = new ServiceMetrics("otp-stream");
    // volatile, not guarded: a probe reads the state while start() holds the lock for a long restore
    private volatile KafkaStreams streams;
    private volatile ManagementServer management;
    private volatile boolean stopping;
    private boolean started;
    /** The partition count of otp.commands, read at start before any task runs. */
    private volatile int commandPartitions = 1;
    /** Follows the live send limits, or null when they are the file's. */
    private final ConfigFollower follower;
    private final io.smsotp.config.RateLimitSettings fileRateLimits;

    /**
     * Uses {@code stream}, {@code kafka}, {@code rateLimits}, {@code smsEncryptionKey} and
     * {@code codeEncryptionKey} of the config.
     *
     * @throws IllegalArgumentException without {@code stream.codeHmacKey}, {@code smsEncryptionKey} or
     *     {@code codeEncryptionKey}
     */
    public OtpStreamService(SmsOtpConfig config) {
        this(OtpStreamConfig.of(Objects.requireNonNull(config, "config")));
    }

    /** An instance of otp-stream's part of the configuration. */
    public OtpStreamService(OtpStreamConfig config) {
        Objects.requireNonNull(config, "config");
        this.stream = config.stream();
        this.kafka = config.kafka();
        this.fileRateLimits = config.rateLimits();
        // built now, so a missing key fails the construction rather than a start later on
        try {
            if (config.configCipher() != null) {
                this.follower = new ConfigFollower(config.kafka(), config.configCipher(), config.fileView(),
                        "otp-stream");
                ConfigFollower f = follower;
                this.topology = OtpTopology.buildTopology(config, new ChallengeMetrics(metrics.registry()),
                        () -> f.get().rateLimits(), () -> commandPartitions);
            } else {
                LOG.info("no configEncryptionKey: the send limits are the file's for this instance's life");
                this.follower = null;
                RateLimitSettings limits = config.rateLimits();
                this.topology = OtpTopology.buildTopology(config, new ChallengeMetrics(metrics.registry()),
                        () -> limits, () -> commandPartitions);
            }
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    /** Starts and returns once Kafka Streams is RUNNING, within {@link #DEFAULT_START_TIMEOUT}. */
    public void start() {
        start(DEFAULT_START_TIMEOUT);
    }

    /**
     * Starts and returns once Kafka Streams is RUNNING.
     *
     * @throws IllegalStateException when it is not running within {@code timeout} or fails on the way
     */
    public synchronized void start(Duration timeout) {
        if (started) {
            // one KafkaStreams instance per service: it cannot be restarted once closed
            throw new IllegalStateException("otp-stream was started already; make a new service");
        }
        started = true;
        if (stream.managementPort() != ManagementServer.OFF) {
            // before Kafka Streams: a probe during a long restore is answered "not ready", not refused
            management = ManagementServer.start("otp-stream", stream.managementPort(), metrics, this::problems);
        }
        CompletableFuture<Void> running = new CompletableFuture<>();
        Properties props = StreamsProperties.of(stream, kafka);
        // where challenges live depends on it; the tasks read it when they start, after this
        commandPartitions = CommandPartitions.read(kafka.bootstrapServers(), kafka);
        if (follower != null) {
            follower.start();
            awaitConfig(timeout);
        }
        KafkaStreams ks = new KafkaStreams(topology, props);
        ks.setStateListener((next, previous) -> {
            LOG.info("otp-stream {} -> {}", previous, next);
            if (next == KafkaStreams.State.RUNNING) {
                running.complete(null);
            } else if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
                running.completeExceptionally(new IllegalStateException("otp-stream stopped while starting: " + next));
                stopped.complete(next);
            }
        });
        ks.setUncaughtExceptionHandler(e -> {
            // the failed task's transaction aborts and its state is rebuilt; a fresh thread resumes
            // from the last commit, so nothing half-done is ever visible
            LOG.error("otp-stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        metrics.closeWithRegistry(new KafkaStreamsMetrics(ks)).bindTo(metrics.registry());
        streams = ks;
        ks.start();
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("otp-stream running as {}", stream.applicationId());
        } catch (TimeoutException e) {
            stop();
            throw new IllegalStateException("otp-stream did not reach RUNNING within " + timeout + " (Kafka at "
                    + kafka.bootstrapServers() + ")", e);
        } catch (ExecutionException e) {
            stop();
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting otp-stream", e);
        }
    }

    /**
     * Within {@code stream.shutdownTimeout}: turns not ready, then closes Kafka Streams, which
     * commits what its threads did (exactly-once: their open transactions) and leaves the group,
     * so that the other instances take its tasks at once. Safe to call twice.
     */
    public synchronized void stop() {
        long start = System.nanoTime();
        KafkaStreams ks = streams;
        if (follower != null) {
            follower.close();
        }
        if (ks == null) {
            closeManagement();
            metrics.close();
            return;
        }
        stopping = true;
        Duration timeout = stream.shutdownTimeout();
        LOG.info("otp-stream stopping: not ready; committing and leaving group {} within {}", stream.applicationId(),
                timeout);
        // LEAVE_GROUP: under the classic protocol Kafka Streams' members otherwise stay until their
        // session times out (45 s by default), and the tasks wait that long for another instance
        boolean closed = ks.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (closed) {
            LOG.info("otp-stream committed, left group {} and closed Kafka Streams in {} ms", stream.applicationId(),
                    millisSince(start));
        } else {
            LOG.warn("otp-stream did not close within {}: its tasks move when its session times out", timeout);
        }
        streams = null;
        stopping = false;
        closeManagement();
        metrics.close();
        LOG.info("otp-stream stopped in {} ms", millisSince(start));
    }

    private void closeManagement() {
        if (management != null) {
            management.close();
            management = null;
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Why otp-stream is not ready: empty only while Kafka Streams is RUNNING. REBALANCING is not
     * ready: its tasks are moving, and requests routed to it would wait for the move. A stop
     * says "stopping" from its first moment, before Kafka Streams is told to close.
     */
    public List<String> problems() {
        if (stopping) {
            return List.of("stopping");
        }
        KafkaStreams.State state = state();
        if (state == KafkaStreams.State.RUNNING && follower != null && !follower.caughtUp()) {
            return List.of("reading the configuration (" + kafka.configTopic() + ")");
        }
        return state == KafkaStreams.State.RUNNING ? List.of() : List.of("Kafka Streams is " + state);
    }

    private void awaitConfig(Duration timeout) {
        try {
            if (!follower.awaitCaughtUp(timeout)) {
                LOG.warn("{} not read to its end within {}; the send limits are what it held so far",
                        kafka.configTopic(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The port of the health and metrics endpoints, or -1 when they are off or not started. */
    public int managementPort() {
        ManagementServer m = management;
        return m == null ? ManagementServer.OFF : m.port();
    }

    /** The send limits this instance applies now (the live configuration's, or the file's). */
    public io.smsotp.config.RateLimitSettings rateLimits() {
        return follower != null ? follower.get().rateLimits() : fileRateLimits;
    }

    /** This service's meters (JVM, Kafka Streams, challenges). */
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The current Kafka Streams state, or NOT_RUNNING before start and after stop. */
    public KafkaStreams.State state() {
        KafkaStreams ks = streams;
        return ks == null ? KafkaStreams.State.NOT_RUNNING : ks.state();
    }

    /** Blocks until Kafka Streams has stopped (by {@link #stop()} or by failing), and says how. */
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
