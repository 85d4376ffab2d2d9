package io.smsotp.dispatcher.consumer;

import io.smsotp.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Puts records that cannot be read on {@link Topics#DEAD_LETTER}: key and value bytes as they came,
 * the original headers, and headers that say where the record came from and why it was refused.
 */
public final class DeadLetters {

    public static final String SOURCE_TOPIC = "dlt.source.topic";
    public static final String SOURCE_PARTITION = "dlt.source.partition";
    public static final String SOURCE_OFFSET = "dlt.source.offset";
    public static final String ERROR = "dlt.error";
    public static final String SERVICE = "dlt.service";

    private final Producer<byte[], byte[]> producer;

    DeadLetters(Producer<byte[], byte[]> producer) {
        this.producer = Objects.requireNonNull(producer, "producer");
    }

    /** Sends the record on; the future completes when the broker has it. */
    Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, String error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        headers.add(SOURCE_TOPIC, utf8(record.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(ERROR, utf8(error));
        headers.add(SERVICE, utf8("sms-dispatcher"));
        try {
            return producer.send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), null, record.key(), record.value(), headers));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
