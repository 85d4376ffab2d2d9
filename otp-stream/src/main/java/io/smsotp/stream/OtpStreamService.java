package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
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

/** otp-stream as a service: runs {@link OtpTopology} on Kafka Streams. */
public final class OtpStreamService {

    /** Long enough for a first start that creates changelogs and restores state. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(OtpStreamService.class);

    private final StreamSettings stream;
    private final KafkaSettings kafka;
    private final Topology topology;
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
    private KafkaStreams streams;
    private boolean started;

    /**
     * Uses {@code stream}, {@code kafka}, {@code rateLimits}, {@code smsEncryptionKey} and
     * {@code codeEncryptionKey} of the config.
     *
     * @throws IllegalArgumentException without {@code stream.codeHmacKey}, {@code smsEncryptionKey} or
     *     {@code codeEncryptionKey}
     */
    public OtpStreamService(SmsOtpConfig config) {
        Objects.requireNonNull(config, "config");
        this.stream = config.stream();
        this.kafka = config.kafka();
        // built now, so a missing key fails the construction rather than a start later on
        this.topology = OtpTopology.buildTopology(config);
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
        CompletableFuture<Void> running = new CompletableFuture<>();
        Properties props = StreamsProperties.of(stream, kafka);
        // the send-limit topics are otp-stream's own, like its changelogs: it makes them itself
        InternalTopics.ensure(kafka.bootstrapServers(), kafka);
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

    /** Closes Kafka Streams, committing what is done, within a bounded time. Safe to call twice. */
    public synchronized void stop() {
        if (streams == null) {
            return;
        }
        // leave the group on a clean stop: a restarted instance is then assigned its tasks at once
        // instead of waiting out the old member's session timeout (45 s by default)
        if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("otp-stream did not close within {}", CLOSE_TIMEOUT);
        }
        streams = null;
    }

    /** The current Kafka Streams state, or NOT_RUNNING before start and after stop. */
    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
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
