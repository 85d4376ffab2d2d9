package io.smsotp.dispatcher.consumer;

import io.smsotp.config.KafkaClientProperties;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The dispatcher's Kafka clients, each setting with the reason it is not the default. */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** Reads sms.outbound as raw bytes, so that a record that is not JSON can be dead-lettered as it came. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String groupId, int maxInFlight,
                                                         String clientId) {
        return consumer(bootstrapServers, groupId, maxInFlight, clientId, Map.of());
    }

    /** As above, with {@code kafka.properties} (TLS, SASL...) on top. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String groupId, int maxInFlight,
                                                         String clientId, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // offsets are committed by the loop, only past records whose reports are acknowledged
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // otp-stream writes transactionally (exactly_once_v2): never send a request from an aborted transaction
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a new group must not skip requests made before it first started
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the loop pauses reading when one more poll could take it past maxPending; a small poll keeps that margin small
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxInFlight));
        // a crashed worker's partitions (and the codes waiting in them) move to the others within
        // 10 s rather than the default 45 s; heartbeats come from the client's own thread, so a
        // busy worker is not mistaken for a dead one
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        // a worker joining or leaving moves only the partitions that change hands; the others keep sending
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return new KafkaConsumer<>(KafkaClientProperties.applyTo(p, clientProperties));
    }

    /** Writes reports and dead letters; serialisation is done by the loop with the topics' serdes. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, String clientId) {
        return producer(bootstrapServers, clientId, Map.of());
    }

    /** As above, with {@code kafka.properties} (TLS, SASL...) on top. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, String clientId,
                                                         Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // a report is the only record of an SMS's fate: all replicas must have it before the offset moves on
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // retries must not duplicate or reorder the reports of one challenge
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(KafkaClientProperties.applyTo(p, clientProperties));
    }
}
