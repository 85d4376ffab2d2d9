package io.smsotp.auth.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.smsotp.config.KafkaClientProperties;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.Json;
import io.smsotp.events.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: {@code smsotp.audit} followed into memory (the newest {@value #KEPT} records,
 * enough for the console and the API; the topic keeps them all), and the writer of the records
 * of changes made outside the config transactions (users, in the user database).
 */
public final class AuditTrail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    static final int KEPT = 10_000;

    private final TopicPartition partition;
    private final Properties consumerProperties;
    private final Properties producerProperties;
    private volatile KafkaProducer<String, String> producer;
    private final Deque<AuditRecord> records = new ArrayDeque<>();
    private final Thread thread;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running = true;

    public AuditTrail(SmsOtpConfig config) {
        this(config.kafka());
    }

    /** The audit log on {@code kafka.auditTopic} of the brokers {@code kafka} names. */
    public AuditTrail(io.smsotp.config.KafkaSettings kafka) {
        this.partition = new TopicPartition(kafka.auditTopic(), 0);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "auth-service-audit");
        // an aborted config change never happened: neither did its audit record
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // fetch.max.wait.ms stays 500 ms, as for the config followers: a record ends the wait at once
        this.consumerProperties = KafkaClientProperties.applyTo(c, kafka);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "auth-service-audit");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        this.producerProperties = KafkaClientProperties.applyTo(p, kafka);
        this.thread = new Thread(this::run, "audit-follower");
        thread.setDaemon(true);
    }

    public synchronized void start() {
        producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new StringDeserializer());
        long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        consumer.assign(List.of(partition));
        // only the newest KEPT are kept in memory: no need to read older ones at each start
        consumer.seek(partition, Math.max(0, end - KEPT));
        thread.start();
    }

    /**
     * Writes {@code record} and returns once Kafka has it (all in-sync replicas).
     *
     * @throws ConfigWriteException when Kafka does not take it in time
     */
    public void append(AuditRecord record) {
        if (producer == null) {
            throw new IllegalStateException("the audit trail is not started");
        }
        try {
            producer.send(new ProducerRecord<>(partition.topic(), record.target(),
                    Json.MAPPER.writeValueAsString(record))).get(15, TimeUnit.SECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit record", e);
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("an audit record ({} of {}) was not written: {}", record.action(), record.target(), e.toString());
            throw new ConfigWriteException(ConfigWriteException.Reason.UNAVAILABLE,
                    "the audit log cannot be written now; try again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigWriteException(ConfigWriteException.Reason.UNAVAILABLE, "interrupted", e);
        }
    }

    /**
     * The newest records first, skipping {@code offset}, at most {@code limit}; only those whose
     * target or action contains {@code query} (ignoring case) when it is not blank.
     */
    public List<AuditRecord> list(String query, int offset, int limit) {
        synchronized (records) {
            return listLocked(query, offset, limit);
        }
    }

    private List<AuditRecord> listLocked(String query, int offset, int limit) {
        String q = query == null || query.isBlank() ? null : query.toLowerCase(Locale.ROOT);
        List<AuditRecord> out = new ArrayList<>();
        int skipped = 0;
        for (var it = records.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            AuditRecord r = it.next();
            if (q != null && !r.target().toLowerCase(Locale.ROOT).contains(q)
                    && !r.action().toLowerCase(Locale.ROOT).contains(q)
                    && !r.actor().toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            if (skipped++ < offset) {
                continue;
            }
            out.add(r);
        }
        return out;
    }

    /** How many records are in memory. */
    public int size() {
        synchronized (records) {
            return records.size();
        }
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    add(r);
                }
            } catch (WakeupException e) {
                // close() asked us to stop
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warn("cannot read {}: {}; retrying", partition.topic(), e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void add(ConsumerRecord<String, String> r) {
        try {
            AuditRecord record = Json.MAPPER.readValue(r.value(), AuditRecord.class);
            synchronized (records) {
                records.addLast(record);
                if (records.size() > KEPT) {
                    records.removeFirst();
                }
            }
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            LOG.error("{} offset {}: not an audit record, left out", partition.topic(), r.offset());
        }
    }

    @Override
    public synchronized void close() {
        boolean was = running;
        running = false;
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
        if (consumer == null || !was) {
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
