package io.smsotp.auth.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.AuthConfig;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.KafkaClientProperties;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigCodec;
import io.smsotp.config.live.ConfigEntry;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.events.Json;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes of the live configuration, each checked against the entry as it is and written
 * with its audit records in one Kafka transaction.
 *
 * <p>Every auth-service instance writes under one transactional id. Opening a writer
 * ({@code initTransactions}) fences any other instance's writer and ends its open transaction;
 * this writer then reads the topic to its committed end before it checks versions. A change
 * checked against a stale view is thus impossible: the other writer's commit either came before
 * the read (and is seen) or fails fenced (and the caller answers "try again"). That is the
 * compare-and-set behind {@code If-Match}, with no second store.
 *
 * <p>The first write seeds the topic from the file (every provider, app and the limits, then a
 * {@code seed} entry): from then on the topic is the truth.
 */
public final class ConfigWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWriter.class);
    /** The one transactional id of every instance's config writes. */
    public static final String TRANSACTIONAL_ID = "smsotp-config-writer";
    /** An expected version: the entry must not exist yet. */
    public static final long ABSENT = 0;
    /** An expected version: the entry must exist, whatever its version. */
    public static final long ANY = -1;
    private static final Duration WAIT = Duration.ofSeconds(15);

    /**
     * One change of one entry.
     *
     * @param body the new body in the file's field names; null deletes the entry
     * @param position the provider's new place in the failover order; null keeps it (or puts a
     *     new provider last)
     * @param expect {@link #ABSENT}, {@link #ANY}, or the version the caller read
     * @param action the audit's action, e.g. {@code provider.create}
     */
    public record Change(ConfigKind kind, String id, JsonNode body, Integer position, long expect, String action) {
        public Change {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(action, "action");
        }
    }

    private final AuthConfig file;
    private final ConfigFollower follower;
    private final ConfigCodec codec;
    private final Clock clock;
    private final Properties producerProperties;
    private final Properties adminProperties;
    private final TopicPartition partition;
    private final String auditTopic;

    public ConfigWriter(SmsOtpConfig file, ConfigFollower follower, Clock clock) {
        this(AuthConfig.of(Objects.requireNonNull(file, "file")), follower, clock);
    }

    /** The writer of auth-service's part of the configuration, whose providers, apps and limits seed the topic. */
    public ConfigWriter(AuthConfig file, ConfigFollower follower, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.follower = Objects.requireNonNull(follower, "follower");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.codec = new ConfigCodec(Objects.requireNonNull(file.configCipher(), "configEncryptionKey"));
        this.producerProperties = producerProperties(file);
        this.adminProperties = TopicAdmin.adminProperties(file.kafka().bootstrapServers(), file.kafka());
        this.partition = new TopicPartition(file.kafka().configTopic(), 0);
        this.auditTopic = file.kafka().auditTopic();
    }

    private static Properties producerProperties(AuthConfig file) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, file.kafka().bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "auth-service-config-writer");
        // a writer that dies mid-change must not hold the next one up for the default minute
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "15000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return KafkaClientProperties.applyTo(props, file.kafka());
    }

    /** Seeds the topic from the file when nothing has seeded it yet; a no-op otherwise. */
    public synchronized void seedIfEmpty() {
        for (int attempt = 1; !follower.seeded(); attempt++) {
            try {
                write("system", List.of());
            } catch (ConfigWriteException e) {
                // another instance seeding at the same moment fenced this one: its seed is the one
                if (e.reason() != ConfigWriteException.Reason.CONCURRENT || attempt == 3) {
                    throw e;
                }
                LOG.info("another instance is seeding {} at the same moment; reading its seed", partition.topic());
                awaitSeed(Duration.ofSeconds(5));
            }
        }
    }

    /** Waits (without fencing anyone) for the seed another instance is writing. */
    private void awaitSeed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!follower.seeded() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Makes {@code changes} (all or none) and waits until this instance sees them.
     *
     * @return the configuration with the changes
     * @throws ConfigWriteException when an expectation does not hold, another instance wrote at the
     *     same moment, or Kafka is not there; nothing was written then
     */
    public synchronized LiveConfig write(String actor, List<Change> changes) {
        Objects.requireNonNull(actor, "actor");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties, new StringSerializer(),
                new StringSerializer())) {
            try {
                // fences every other writer and ends its open transaction
                producer.initTransactions();
                awaitCommittedEnd();
                LiveConfig now = follower.get();
                Instant at = clock.instant();
                List<ProducerRecord<String, String>> records = new ArrayList<>();
                List<ProducerRecord<String, String>> audits = new ArrayList<>();
                if (!follower.seeded()) {
                    seedRecords(at, records, audits);
                    now = LiveConfig.fromEntries(entriesOf(records));
                }
                plan(now, changes, actor, at, records, audits);
                if (records.isEmpty()) {
                    return now;
                }
                producer.beginTransaction();
                RecordMetadata last = null;
                for (ProducerRecord<String, String> r : records) {
                    last = producer.send(r).get();
                }
                for (ProducerRecord<String, String> r : audits) {
                    producer.send(r);
                }
                producer.commitTransaction();
                if (!follower.awaitPosition(last.offset() + 1, WAIT)) {
                    throw new ConfigWriteException(ConfigWriteException.Reason.UNAVAILABLE,
                            "the change was written but not read back within " + WAIT);
                }
                return follower.get();
            } catch (ProducerFencedException | InvalidProducerEpochException | InvalidTxnStateException
                     | TransactionAbortedException e) {
                // another instance's writer fenced this one: its open transaction was aborted, nothing written
                throw new ConfigWriteException(ConfigWriteException.Reason.CONCURRENT,
                        "another instance changed the configuration at the same moment; try again", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProducerFencedException || e.getCause() instanceof InvalidProducerEpochException
                        || e.getCause() instanceof InvalidTxnStateException
                        || e.getCause() instanceof TransactionAbortedException) {
                    throw new ConfigWriteException(ConfigWriteException.Reason.CONCURRENT,
                            "another instance changed the configuration at the same moment; try again", e);
                }
                throw unavailable(e.getCause());
            } catch (KafkaException e) {
                throw unavailable(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(e);
            }
        }
    }

    private ConfigWriteException unavailable(Throwable e) {
        LOG.warn("cannot write {}: {}", partition.topic(), e.toString());
        // a commit that timed out may still have been applied: a retry with the same If-Match then gets 412
        return new ConfigWriteException(ConfigWriteException.Reason.UNAVAILABLE,
                "the configuration could not be written (Kafka: " + e.getClass().getSimpleName()
                        + "); read it again before retrying");
    }

    /** Waits until the follower has read every committed record. */
    private void awaitCommittedEnd() throws InterruptedException {
        long end;
        try (Admin admin = Admin.create(adminProperties)) {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
        }
        if (!follower.awaitPosition(end, WAIT)) {
            throw new ConfigWriteException(ConfigWriteException.Reason.UNAVAILABLE,
                    "the configuration topic was not read to its end within " + WAIT);
        }
    }

    private void plan(LiveConfig now, List<Change> changes, String actor, Instant at,
                      List<ProducerRecord<String, String>> records, List<ProducerRecord<String, String>> audits) {
        int nextPosition = now.entries().values().stream().filter(e -> e.kind() == ConfigKind.PROVIDER)
                .mapToInt(ConfigEntry::position).max().orElse(-1) + 1;
        for (Change c : changes) {
            ConfigEntry current = now.entries().get(c.kind().key(c.id()));
            String what = c.kind().prefix() + " '" + c.id() + "'";
            if (c.expect() == ABSENT && current != null) {
                throw new ConfigWriteException(ConfigWriteException.Reason.EXISTS, what + " exists already");
            }
            if (c.expect() != ABSENT && current == null) {
                throw new ConfigWriteException(ConfigWriteException.Reason.NOT_FOUND, "no " + what);
            }
            if (c.expect() > 0 && current.version() != c.expect()) {
                throw new ConfigWriteException(ConfigWriteException.Reason.STALE, what + " is at version "
                        + current.version() + ", not " + c.expect() + " (If-Match): read it again");
            }
            String key = c.kind().key(c.id());
            if (c.body() == null) {
                records.add(new ProducerRecord<>(partition.topic(), key, null));
            } else {
                int position = c.position() != null ? c.position()
                        : current != null ? current.position() : c.kind() == ConfigKind.PROVIDER ? nextPosition++ : 0;
                ConfigEntry next = new ConfigEntry(c.kind(), c.id(), current == null ? 1 : current.version() + 1,
                        position, at, actor, c.body());
                records.add(new ProducerRecord<>(partition.topic(), key, codec.encode(next)));
            }
            audits.add(audit(at, actor, c.action(), key, c.kind(), current == null ? null : current.body(), c.body()));
        }
    }

    private void seedRecords(Instant at, List<ProducerRecord<String, String>> records,
                             List<ProducerRecord<String, String>> audits) {
        List<ConfigEntry> seed = new ArrayList<>();
        int position = 0;
        for (ProviderConfig p : file.providers()) {
            seed.add(new ConfigEntry(ConfigKind.PROVIDER, p.name(), 1, position++, at, "system", p.toTree()));
        }
        for (AppConfig a : file.apps()) {
            AppConfig hashed = a.apiKey() == null ? a
                    : a.withApiKey("sha256:" + a.apiKeySha256(), a.retiredApiKeys());
            seed.add(new ConfigEntry(ConfigKind.APP, a.id(), 1, 0, at, "system", ConfigLoader.treeOf(hashed)));
        }
        seed.add(new ConfigEntry(ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL, 1, 0, at, "system",
                ConfigLoader.treeOf(file.rateLimits())));
        seed.add(new ConfigEntry(ConfigKind.SEED, LiveConfig.GLOBAL, 1, 0, at, "system",
                Json.MAPPER.createObjectNode().put("from", "the configuration file").put("at", at.toString())));
        for (ConfigEntry e : seed) {
            records.add(new ProducerRecord<>(partition.topic(), e.key(), codec.encode(e)));
            if (e.kind() != ConfigKind.SEED) {
                audits.add(audit(at, "system", e.kind().prefix() + ".seed", e.key(), e.kind(), null, e.body()));
            }
        }
        LOG.info("seeding {} from the configuration file: {} providers, {} apps", partition.topic(),
                file.providers().size(), file.apps().size());
    }

    private Map<String, ConfigEntry> entriesOf(List<ProducerRecord<String, String>> records) {
        Map<String, ConfigEntry> entries = new java.util.TreeMap<>();
        for (ProducerRecord<String, String> r : records) {
            entries.put(r.key(), codec.decode(r.key(), r.value()));
        }
        return entries;
    }

    private ProducerRecord<String, String> audit(Instant at, String actor, String action, String target,
                                                        ConfigKind kind, JsonNode before, JsonNode after) {
        AuditRecord record = new AuditRecord(UUID.randomUUID().toString(), at, actor, action, target,
                SecretMask.mask(kind, before), SecretMask.mask(kind, after));
        try {
            return new ProducerRecord<>(auditTopic, target, Json.MAPPER.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit record", e);
        }
    }
}
