package io.smsotp.config.live;

import io.smsotp.config.KafkaClientProperties;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.ConfigCipher;
import io.smsotp.events.TopicAdmin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code smsotp.config} from its beginning into memory and follows it, on a thread of its
 * own: every instance of every service keeps one. {@link #get()} is the configuration now; a
 * change is visible there (and to the listeners) as soon as its record is read, which is the
 * "within a second" of every instance.
 *
 * <p>It reads committed records only, so an admin change (written in a transaction with its audit
 * record) is seen whole or not at all. It uses no consumer group: every instance reads every record.
 */
public final class ConfigFollower implements Supplier<LiveConfig>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFollower.class);

    private final Properties consumerProperties;
    private volatile KafkaConsumer<String, String> consumer;
    private final TopicPartition partition;
    private final ConfigCodec codec;
    private final KafkaSettings kafka;
    private final String bootstrapServers;
    private final LiveConfig fileConfig;
    private final Thread thread;
    private final List<Consumer<LiveConfig>> listeners = new CopyOnWriteArrayList<>();
    /** Entries by key, sorted so that every instance builds the same view from the same records. */
    private final Map<String, ConfigEntry> entries = new TreeMap<>();
    private final Object progress = new Object();
    private volatile LiveConfig current;
    private volatile boolean seeded;
    private volatile boolean running = true;
    /** The offset after the last record read; -1 until the first poll. */
    private long position = -1;
    /** The end of the topic when this follower started: caught up once read that far. */
    private long startEnd = -1;

    /**
     * @param config the file's configuration: {@code kafka}, {@code configEncryptionKey}, and what
     *     holds until the topic is seeded
     * @param clientName names the consumer in the broker's logs ({@code auth-service}, ...)
     */
    public ConfigFollower(SmsOtpConfig config, String clientName) {
        this(config.kafka(), requireCipher(config), LiveConfig.fromFile(config), clientName);
    }

    /**
     * @param cipher opens the entries ({@code configEncryptionKey})
     * @param fromFile what holds until the topic is seeded: the service's part of the file
     * @param clientName names the consumer in the broker's logs ({@code auth-service}, ...)
     */
    public ConfigFollower(KafkaSettings kafka, ConfigCipher cipher, LiveConfig fromFile, String clientName) {
        this.codec = new ConfigCodec(Objects.requireNonNull(cipher, "cipher"));
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.partition = new TopicPartition(kafka.configTopic(), 0);
        this.bootstrapServers = kafka.bootstrapServers();
        this.fileConfig = Objects.requireNonNull(fromFile, "fromFile");
        this.current = fileConfig;
        this.consumerProperties = consumerProperties(kafka, clientName);
        this.thread = new Thread(this::run, "config-follower");
        thread.setDaemon(true);
    }

    private static ConfigCipher requireCipher(SmsOtpConfig config) {
        if (config.configCipher() == null) {
            throw new IllegalArgumentException("configEncryptionKey is required: it seals the providers' tokens and"
                    + " the apps' secrets in " + config.kafka().configTopic());
        }
        return config.configCipher();
    }

    private static Properties consumerProperties(KafkaSettings kafka, String clientName) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientName + "-config");
        // a change and its audit record are one transaction: never act on an aborted change
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // no group: each instance reads the whole topic and commits nothing
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // fetch.max.wait.ms stays the client's 500 ms: a waiting fetch returns as soon as a committed
        // record is there, so it bounds only how often an idle follower asks again. At 100 ms the
        // followers were most of an idle product's broker requests, and a change reached every
        // instance no sooner (docs/benchmarks.md, tenth round)
        return KafkaClientProperties.applyTo(props, kafka);
    }

    /** Makes the topic when it is missing (where allowed), starts reading it; returns at once. */
    public synchronized void start() {
        if (consumer != null) {
            throw new IllegalStateException("started already");
        }
        TopicAdmin.ensureConfigTopics(bootstrapServers, kafka);
        consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        thread.start();
    }

    /** The configuration now. */
    @Override
    public LiveConfig get() {
        return current;
    }

    /** Whether the topic holds its seed: from then on the file's providers, apps and limits are not read. */
    public boolean seeded() {
        return seeded;
    }

    /** Called with each new configuration, on the follower's thread: keep it short. */
    public void onChange(Consumer<LiveConfig> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether this follower has read as far as the topic went when it started. */
    public boolean caughtUp() {
        synchronized (progress) {
            return startEnd >= 0 && position >= startEnd;
        }
    }

    /**
     * Waits until the follower has read everything before offset {@code offset}.
     *
     * @return whether it got there within {@code timeout}
     */
    public boolean awaitPosition(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (position < offset) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Waits until caught up; see {@link #caughtUp()}. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!(startEnd >= 0 && position >= startEnd)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void run() {
        while (running) {
            try {
                if (startEnd < 0) {
                    long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
                    synchronized (progress) {
                        startEnd = end;
                    }
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                boolean changed = false;
                for (ConsumerRecord<String, String> r : records) {
                    changed |= apply(r);
                }
                if (changed) {
                    LiveConfig next = seeded ? LiveConfig.fromEntries(entries) : fileConfig;
                    current = next;
                    for (Consumer<LiveConfig> l : listeners) {
                        try {
                            l.accept(next);
                        } catch (RuntimeException e) {
                            LOG.error("a config listener failed; the others still run", e);
                        }
                    }
                }
                long now = consumer.position(partition, Duration.ofSeconds(10));
                synchronized (progress) {
                    position = now;
                    progress.notifyAll();
                }
            } catch (WakeupException e) {
                // close() asked us to stop
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                // a broker away or a refused read: keep the configuration we have and try again
                LOG.warn("cannot read {}: {}; keeping the configuration as it is and retrying", partition.topic(),
                        e.toString());
                sleepQuietly();
            }
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** @return whether the configuration changed */
    private boolean apply(ConsumerRecord<String, String> r) {
        if (r.key() == null) {
            LOG.error("{} offset {}: a record without a key is left out", partition.topic(), r.offset());
            return false;
        }
        if (r.value() == null) {
            return entries.remove(r.key()) != null;
        }
        ConfigEntry entry;
        try {
            entry = codec.decode(r.key(), r.value());
        } catch (RuntimeException e) {
            // never stop following over one record: the others still hold
            LOG.error("{} offset {} ({}): left out: {}", partition.topic(), r.offset(), r.key(), e.getMessage());
            return false;
        }
        entries.put(entry.key(), entry);
        if (entry.kind() == ConfigKind.SEED) {
            seeded = true;
        }
        return true;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        boolean wasRunning = running;
        running = false;
        if (consumer == null || !wasRunning) {
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
