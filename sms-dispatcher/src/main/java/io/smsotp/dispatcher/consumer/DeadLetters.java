package io.smsotp.dispatcher.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.smsotp.dispatcher.provider.Attempt;
import io.smsotp.events.Json;
import io.smsotp.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Puts records on {@link Topics#DEAD_LETTER}: key and value bytes as they came (a send request's
 * text stays sealed), the original headers, and headers that say where the record came from and
 * why it was given up. A request that no provider could send also carries {@link #ATTEMPTS}.
 */
public final class DeadLetters {

    public static final String SOURCE_TOPIC = "dlt.source.topic";
    public static final String SOURCE_PARTITION = "dlt.source.partition";
    public static final String SOURCE_OFFSET = "dlt.source.offset";
    public static final String ERROR = "dlt.error";
    public static final String SERVICE = "dlt.service";
    /**
     * Every provider try, in order, as a JSON array of
     * {@code {"provider","kind","httpStatus","at","reason"}} ({@code kind}: sent, retryable,
     * permanent; {@code httpStatus} null when there was no answer). Never a number, text or
     * credential: reasons are value-free.
     */
    public static final String ATTEMPTS = "smsotp.attempts";

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    DeadLetters(Producer<byte[], byte[]> producer) {
        this(producer, Topics.DEAD_LETTER.name());
    }

    DeadLetters(Producer<byte[], byte[]> producer, String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /** A record that cannot be used; the future completes when the broker has it. */
    CompletableFuture<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, String error) {
        return Acks.send(producer, new ProducerRecord<>(topic, null, record.key(), record.value(),
                headers(record, error)));
    }

    /** A send request that every provider failed, with each try. */
    CompletableFuture<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, String error, List<Attempt> attempts) {
        RecordHeaders headers = headers(record, error);
        headers.add(ATTEMPTS, attemptsJson(attempts));
        return Acks.send(producer, new ProducerRecord<>(topic, null, record.key(), record.value(), headers));
    }

    private static RecordHeaders headers(ConsumerRecord<byte[], byte[]> record, String error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        headers.add(SOURCE_TOPIC, utf8(record.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(ERROR, utf8(error));
        headers.add(SERVICE, utf8("sms-dispatcher"));
        return headers;
    }

    static byte[] attemptsJson(List<Attempt> attempts) {
        List<Map<String, Object>> list = attempts.stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", a.provider());
            m.put("kind", a.kind().name().toLowerCase(Locale.ROOT));
            m.put("httpStatus", a.httpStatus());
            m.put("at", a.at().toString());
            m.put("reason", a.reason());
            return m;
        }).toList();
        try {
            return Json.MAPPER.writeValueAsBytes(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("attempts cannot be written as JSON", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
