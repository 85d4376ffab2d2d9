package io.smsotp.launcher.bench;

import io.smsotp.events.TopicAdmin;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The physical limit of one pipeline hop: the broker's raw produce→consume round trip at a fixed rate. */
final class RawKafkaRoundTrip {

    private RawKafkaRoundTrip() {
    }

    static Histogram measure(String bootstrap, int perSecond, int count) throws InterruptedException {
        String topic = "bench.raw." + System.nanoTime();
        TopicAdmin.ensureTopics(bootstrap, List.of(topic), 3, (short) 1, Map.of());
        Recorder recorder = new Recorder(3);
        AtomicLong received = new AtomicLong();
        AtomicBoolean ready = new AtomicBoolean();
        Thread consumerThread = new Thread(() -> {
            try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, topic,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    // the same isolation the services read with
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (received.get() < count) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        recorder.recordValue(Math.max(0, System.nanoTime() - ByteBuffer.wrap(r.value()).getLong()) / 1000);
                        received.incrementAndGet();
                    }
                    ready.set(!consumer.assignment().isEmpty());
                }
            }
        }, "bench-raw-consumer");
        consumerThread.start();
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "1"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!ready.get() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            byte[] padding = new byte[192];
            Pacer.run(count, perSecond, i -> {
                ByteBuffer b = ByteBuffer.allocate(8 + padding.length);
                b.putLong(System.nanoTime()).put(padding);
                producer.send(new ProducerRecord<>(topic, Long.toString(i).getBytes(), b.array()));
            });
        }
        consumerThread.join(Duration.ofSeconds(60).toMillis());
        return recorder.getIntervalHistogram();
    }
}
