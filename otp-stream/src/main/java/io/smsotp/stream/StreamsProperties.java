package io.smsotp.stream;

import io.smsotp.config.ConfigException;
import io.smsotp.config.KafkaClientProperties;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.StreamSettings;
import io.smsotp.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** The Kafka Streams configuration of otp-stream, built from its settings with explicit choices. */
public final class StreamsProperties {

    private StreamsProperties() {
    }

    /** The transaction timeout Kafka Streams gives its producers under exactly-once unless told otherwise. */
    static final long STREAMS_TRANSACTION_TIMEOUT_MS = 10_000;

    public static Properties of(StreamSettings stream, KafkaSettings kafka) {
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            throw new ConfigException("kafka.bootstrapServers is required (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        requireCommitWithinTransactionTimeout(stream, kafka);
        Properties props = new Properties();
        // names the consumer group, the changelog topics and the transactional ids: keep it stable
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, stream.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // state, outputs and input offsets commit together: a verify is never counted twice or lost
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // outputs become visible to read_committed readers only at commit: this bounds every reply
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(stream.commitInterval().toMillis()));
        // the thread commits only between polls; an idle poll blocks up to poll.ms (default 100 ms),
        // which would hold the last outputs invisible that long: poll no longer than a commit interval
        props.put(StreamsConfig.POLL_MS_CONFIG, Long.toString(stream.commitInterval().toMillis()));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(stream));
        // a commit blocks its thread for several broker round trips (flush, offsets, end txn);
        // with one thread per partition the commits overlap and the work of the others goes on
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, stream.threads());
        // changelogs and repartition topics get the same durability as the pipeline's own topics
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        // a record that cannot be read is logged, dead-lettered with the reason, and skipped:
        // one bad producer must not stop every challenge on the partition
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        // likewise for a record the processor throws on; it validates each command before it writes
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        // no global stores here; set so the choice is explicit (and 5.0's default) rather than warned about
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Kafka 4.x's handlers send what they skip here, raw key and value plus the error in headers
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER.name());
        // a transaction's records become visible only when it commits, and the commit flushes the
        // producer first: lingering as long as the commit interval sends them in a few produce
        // requests instead of one per record or two, and each request costs the broker CPU
        // (docs/benchmarks.md, sixth round of issue 12)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                Long.toString(stream.commitInterval().toMillis()));
        // the first write of each transaction often meets CONCURRENT_TRANSACTIONS while the broker
        // still writes the previous commit's markers; the default 100 ms back-off (growing to 1 s)
        // then stalls the stream thread once per commit, so retry after a few milliseconds
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), "5");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), "50");
        // TLS, SASL and the like from kafka.properties: Streams hands them to its producers,
        // consumers and admin client (a producer./consumer./admin. prefix aims at one kind)
        return KafkaClientProperties.applyTo(props, kafka);
    }

    /**
     * Kafka Streams refuses, when otp-stream starts, a commit interval longer than its producers'
     * transaction timeout (a transaction open that long would be aborted by the broker before its
     * commit): refused here first, naming the setting.
     *
     * @throws ConfigException naming {@code stream.commitInterval}
     */
    public static void requireCommitWithinTransactionTimeout(StreamSettings stream, KafkaSettings kafka) {
        long timeout = transactionTimeoutMillis(kafka);
        long interval = stream.commitInterval().toMillis();
        if (interval > timeout) {
            throw new ConfigException("stream.commitInterval " + stream.commitInterval() + " is longer than the "
                    + "transaction timeout of otp-stream's producers (" + timeout + " ms; kafka.properties "
                    + "producer.transaction.timeout.ms): every transaction would be aborted before its commit");
        }
    }

    private static long transactionTimeoutMillis(KafkaSettings kafka) {
        var props = kafka.properties();
        String key = ProducerConfig.TRANSACTION_TIMEOUT_CONFIG;
        String value = props.getOrDefault(StreamsConfig.producerPrefix(key), props.get(key));
        if (value == null) {
            return STREAMS_TRANSACTION_TIMEOUT_MS;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("kafka.properties " + key + " is not a number of milliseconds: " + value);
        }
    }

    /** The configured state dir, or a fresh temporary one (state is then rebuilt from changelogs). */
    private static String stateDir(StreamSettings stream) {
        if (stream.stateDir() != null && !stream.stateDir().isBlank()) {
            return stream.stateDir();
        }
        try {
            return Files.createTempDirectory("smsotp-otp-stream-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary state dir; set stream.stateDir", e);
        }
    }
}
