package io.smsotp.dispatcher;

import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.events.SmsCipher;
import io.smsotp.dispatcher.consumer.DispatchLoop;
import io.smsotp.dispatcher.consumer.KafkaClients;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smsotp.dispatcher.provider.ProviderClient;
import io.smsotp.dispatcher.provider.SendMetrics;
import io.smsotp.metrics.KafkaConnections;
import io.smsotp.metrics.ManagementServer;
import io.smsotp.metrics.ServiceMetrics;
import java.util.ArrayList;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.events.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sms-dispatcher worker: consumes send requests from {@link Topics#SMS_OUTBOUND}, delivers them
 * through the configured providers (retries, failover, circuit breakers, rate limits) and reports
 * each outcome on {@link Topics#SMS_STATUS}; what no provider could send also goes to
 * {@link Topics#DEAD_LETTER}. Workers with the same group id share the partitions. Its health and
 * metrics are on {@code dispatcher.managementPort}.
 */
public final class SmsDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(SmsDispatcher.class);

    private final DispatcherSettings settings;
    private final List<ProviderConfig> providers;
    private final String bootstrapServers;
    private final SmsCipher cipher;
    private final Map<String, String> clientProperties;
    private final String instanceId = "sms-dispatcher-" + UUID.randomUUID().toString().substring(0, 8);
    private ProviderClient client;
    private volatile SmsSender sender;
    private final ServiceMetrics metrics;
    // volatile: the management thread reads them for readiness while start() and stop() change them
    private volatile DispatchLoop loop;
    private volatile Thread thread;
    private volatile ManagementServer management;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    /** The worker's part of the configuration. */
    private final DispatcherConfig config;
    private volatile ConfigFollower follower;

    /**
     * @param providers in failover order; none means every request fails
     */
    public SmsDispatcher(DispatcherSettings settings, List<ProviderConfig> providers, String bootstrapServers,
                         SmsCipher cipher) {
        this(settings, providers, bootstrapServers, cipher, Map.of());
    }

    /**
     * @param providers in failover order; none means every request fails
     * @param clientProperties {@code kafka.properties}: given to the consumer and the producer of reports and dead letters
     */
    public SmsDispatcher(DispatcherSettings settings, List<ProviderConfig> providers, String bootstrapServers,
                         SmsCipher cipher, Map<String, String> clientProperties) {
        this(DispatcherConfig.fixed(settings, providers, bootstrapServers, cipher, clientProperties));
    }

    /** The dispatcher part of a whole configuration file. */
    public SmsDispatcher(SmsOtpConfig config) {
        this(DispatcherConfig.of(config));
    }

    /** A worker of {@code config}: providers that follow the live configuration when it has its key. */
    public SmsDispatcher(DispatcherConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.settings = config.dispatcher();
        this.clientProperties = config.kafka().properties();
        this.cipher = config.smsCipher();
        this.providers = config.providers();
        this.bootstrapServers = config.kafka().bootstrapServers();
        // last: made only once the settings were accepted (it binds JVM listeners that close() releases)
        this.metrics = new ServiceMetrics("sms-dispatcher");
    }



    /** Connects and starts the loop on its own thread; returns at once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        if (settings.managementPort() != ManagementServer.OFF) {
            management = ManagementServer.start("sms-dispatcher", settings.managementPort(), metrics, this::problems);
        }
        List<ProviderConfig> initial = providers;
        if (config.configCipher() != null) {
            follower = new ConfigFollower(config.kafka(), config.configCipher(), config.fileView(), instanceId);
            follower.start();
            initial = awaitLiveProviders();
        } else {
            LOG.info("{}: no configEncryptionKey, so the providers are the file's for this worker's life", instanceId);
        }
        client = new ProviderClient(settings.requestTimeout());
        sender = new SmsSender(initial, client, settings, Clock.systemUTC(), new SendMetrics(metrics.registry()));
        if (follower != null) {
            SmsSender s = sender;
            follower.onChange(live -> {
                s.replaceProviders(live.providers());
                LOG.info("{}: providers now {}", instanceId, live.providers());
            });
            // a change read between the wait and the listener
            sender.replaceProviders(follower.get().providers());
        }
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrapServers, settings.groupId(),
                settings.maxInFlight(), instanceId, clientProperties);
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = KafkaClients.producer(bootstrapServers, instanceId, clientProperties);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            sender.close();
            client.close();
            throw e;
        }
        // lag: kafka_consumer_fetch_manager_records_lag_max among the consumer's meters
        metrics.closeWithRegistry(new KafkaClientMetrics(consumer)).bindTo(metrics.registry());
        metrics.closeWithRegistry(new KafkaClientMetrics(producer)).bindTo(metrics.registry());
        this.consumer = consumer;
        loop = new DispatchLoop(consumer, producer, sender, settings, Clock.systemUTC(), cipher);
        thread = new Thread(loop, instanceId);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("dispatch loop ended by {}", e.toString(), e));
        thread.start();
        if (initial.isEmpty()) {
            LOG.warn("{} started with no provider: every send request will be reported failed", instanceId);
        } else {
            // names only: URLs and headers may hold credentials
            // ProviderConfig.toString shows no URL or header value: those may hold credentials
            LOG.info("{} started: group {}, providers {}, timeout {}, {} in flight, {} pending", instanceId,
                    settings.groupId(), initial, settings.requestTimeout(), settings.maxInFlight(),
                    settings.maxPending());
        }
    }

    /**
     * Within {@code dispatcher.shutdownTimeout}: turns not ready, stops polling, lets the open
     * provider calls end and reports them, commits what is finished, leaves the group (so that
     * the other workers take the partitions at once) and closes the clients, the producer after
     * flushing. Requests waiting for a retry are left uncommitted: the worker that takes their
     * partitions sends them. Safe to call more than once, and before {@link #start()}.
     */
    public synchronized void stop() {
        long start = System.nanoTime();
        if (thread == null) {
            closeFollower();
            closeManagement();
            metrics.close();
            return;
        }
        stopping = true;
        LOG.info("{} stopping within {}", instanceId, settings.shutdownTimeout());
        loop.shutdown();
        try {
            // the loop keeps to the timeout itself; the second more is for its last log line
            thread.join(settings.shutdownTimeout().plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{} did not stop within {}; its partitions move when its session times out", instanceId,
                    settings.shutdownTimeout());
        }
        sender.close();
        client.close();
        closeFollower();
        thread = null;
        // from here on "not running" says it
        stopping = false;
        closeManagement();
        metrics.close();
        LOG.info("{} stopped in {} ms", instanceId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private List<ProviderConfig> awaitLiveProviders() {
        try {
            if (!follower.awaitCaughtUp(settings.shutdownTimeout().plusSeconds(22))) {
                LOG.warn("{}: {} not read to its end yet; starting with what it holds so far", instanceId,
                        config.kafka().configTopic());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return follower.get().providers();
    }

    private void closeFollower() {
        if (follower != null) {
            follower.close();
            follower = null;
        }
    }

    private void closeManagement() {
        if (management != null) {
            management.close();
            management = null;
        }
    }

    /**
     * Why this worker is not ready: empty while its loop runs and it is a member of the group, with
     * partitions or without (more workers than partitions leaves some idle by design); "stopping"
     * from the moment a stop begins.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Thread t = thread;
        DispatchLoop l = loop;
        if (stopping) {
            problems.add("stopping");
        } else if (t == null || !t.isAlive()) {
            problems.add("the dispatch loop is not running");
        } else if (!l.inGroup()) {
            problems.add("not a member of group " + settings.groupId() + " yet");
        } else if (follower != null && !follower.caughtUp()) {
            problems.add("reading the configuration (" + config.kafka().configTopic() + ")");
        } else if (KafkaConnections.count(consumer) == 0) {
            problems.add("not connected to Kafka at " + bootstrapServers);
        }
        return problems;
    }

    /** The partitions of sms.outbound this worker owns now. */
    public int ownedPartitions() {
        DispatchLoop l = loop;
        return l == null ? 0 : l.ownedPartitions();
    }

    /** The port of the health and metrics endpoints, or -1 when they are off or not started. */
    public int managementPort() {
        ManagementServer m = management;
        return m == null ? ManagementServer.OFF : m.port();
    }

    /** This worker's meters (JVM, Kafka clients, sends per provider). */
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The providers this worker sends through now, in failover order (empty before start). */
    public List<ProviderConfig> providers() {
        SmsSender s = sender;
        return s == null ? List.of() : s.providers();
    }

    /** This worker's client id, as the brokers see it. */
    public String instanceId() {
        return instanceId;
    }
}
