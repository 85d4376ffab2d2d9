package io.smsotp.dispatcher.consumer;

import io.smsotp.dispatcher.provider.SendResult;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume → send → report loop of one dispatcher worker, on its own thread.
 *
 * <p>Each polled batch is sent concurrently (at most {@code maxInFlight} provider calls open);
 * each outcome becomes an {@link SmsStatus} on {@link Topics#SMS_STATUS}. The batch's offsets are
 * committed only once every status (and dead letter) is acknowledged by the brokers, so a crash
 * sends a request again rather than lose its outcome (at-least-once). Requests for one challenge
 * within a batch are sent one after the other, so their reports keep their order.
 *
 * <p>No input stops the loop: an unreadable record is dead-lettered, any other failure for a
 * record is reported as {@code failed}.
 */
public final class DispatchLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Pause after a failure of the brokers, so that the loop does not spin on it. */
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final SmsSender sender;
    private final Semaphore inFlight;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final SmsCipher cipher;
    private final Serializer<String> keySerializer = Topics.SMS_STATUS.keySerde().serializer();
    private final Serializer<SmsStatus> statusSerializer = Topics.SMS_STATUS.valueSerde().serializer();
    private volatile boolean running = true;

    /** The loop owns both clients from here on and closes them when it ends. */
    public DispatchLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, SmsSender sender,
                        int maxInFlight, Clock clock, SmsCipher cipher) {
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.inFlight = new Semaphore(maxInFlight);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadLetters = new DeadLetters(producer);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.SMS_OUTBOUND.name()));
            while (running) {
                pollOnce();
            }
        } finally {
            closeClients();
        }
    }

    /** Ends the loop after the batch in hand is reported; safe from any thread. */
    public void shutdown() {
        running = false;
        consumer.wakeup();
    }

    private void pollOnce() {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
            return; // shutdown() asked; the while condition ends the loop
        } catch (KafkaException e) {
            LOG.error("polling {} failed; trying again: {}", Topics.SMS_OUTBOUND.name(), e.toString());
            pause();
            return;
        }
        if (records.isEmpty()) {
            return;
        }
        try {
            process(records);
        } catch (RuntimeException e) {
            // a defect of ours, not bad input: the loop lives on, and the batch is read again rather than skipped
            // type and place only: a message could quote a value
            LOG.error("processing a batch of {} failed: {} at {}", records.count(), e.getClass().getName(), topFrame(e));
            rewind(records);
        }
    }

    /** Sends a batch, reports every outcome, then commits it or, when a report was lost, rewinds to read it again. */
    void process(ConsumerRecords<byte[], byte[]> records) {
        List<CompletableFuture<Future<RecordMetadata>>> reports = new ArrayList<>(records.count());
        Map<String, CompletableFuture<?>> lastOfChallenge = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SmsRequest sealed;
            try {
                sealed = SendRequests.parse(record);
            } catch (BadRecordException e) {
                LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                reports.add(CompletableFuture.completedFuture(deadLetters.send(record, e.getMessage())));
                continue;
            }
            SmsRequest request;
            try {
                // the text is opened here and lives only in this worker's memory from now on
                request = cipher.open(sealed);
            } catch (IllegalArgumentException e) {
                // plaintext, changed, or sealed under another key: never sent; the challenge learns it failed
                LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                reports.add(CompletableFuture.completedFuture(deadLetters.send(record, e.getMessage())));
                reports.add(CompletableFuture.completedFuture(report(sealed,
                        SendResult.failed(null, "the SMS text could not be opened"))));
                continue;
            }
            CompletableFuture<?> before = lastOfChallenge.getOrDefault(request.challengeId(),
                    CompletableFuture.completedFuture(null));
            inFlight.acquireUninterruptibly();
            CompletableFuture<Future<RecordMetadata>> report = before
                    .thenCompose(ignored -> deliver(request))
                    .thenApply(result -> report(request, result))
                    .whenComplete((f, e) -> inFlight.release());
            lastOfChallenge.put(request.challengeId(), report);
            reports.add(report);
        }
        if (allAcknowledged(reports)) {
            commit(records);
        } else {
            rewind(records);
        }
    }

    /** The provider outcome; any failure of our own becomes a failed outcome too. */
    private CompletableFuture<SendResult> deliver(SmsRequest request) {
        try {
            return sender.deliver(request).exceptionally(e -> internalFailure(request, e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalFailure(request, e));
        }
    }

    private static SendResult internalFailure(SmsRequest request, Throwable thrown) {
        Throwable e = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        // the exception's message could quote a value: log its type and where it happened only
        LOG.error("sending message {} of challenge {} failed unexpectedly: {} at {}", request.messageId(),
                request.challengeId(), e.getClass().getName(), topFrame(e));
        return SendResult.failed(null, "internal error: " + e.getClass().getSimpleName());
    }

    private static StackTraceElement topFrame(Throwable e) {
        return e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
    }

    private Future<RecordMetadata> report(SmsRequest request, SendResult result) {
        if (result.isSent()) {
            LOG.debug("message {} of challenge {} sent by {} (HTTP {})", request.messageId(), request.challengeId(),
                    result.provider(), result.httpStatus());
        } else {
            LOG.warn("message {} of challenge {} failed: {}", request.messageId(), request.challengeId(), result.reason());
        }
        SmsStatus status = new SmsStatus(request.messageId(), request.challengeId(), result.delivery(),
                result.provider(), result.httpStatus(), result.reason(), clock.instant());
        try {
            String topic = Topics.SMS_STATUS.name();
            return producer.send(new ProducerRecord<>(topic, keySerializer.serialize(topic, request.challengeId()),
                    statusSerializer.serialize(topic, status)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean allAcknowledged(List<CompletableFuture<Future<RecordMetadata>>> reports) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(reports.size());
        for (CompletableFuture<Future<RecordMetadata>> r : reports) {
            try {
                sends.add(r.join());
            } catch (RuntimeException e) {
                LOG.error("a report could not be made: {}", e.toString());
                return false;
            }
        }
        try {
            // don't wait out linger.ms: the batch is complete, its reports go now
            producer.flush();
        } catch (KafkaException e) {
            LOG.error("flushing reports failed: {}", e.toString());
            return false;
        }
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                LOG.error("a report was not acknowledged: {}", e.getCause().toString());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void commit(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = nextOffsets(records);
        try {
            commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved on: their new owner sends this batch again (at-least-once)
            LOG.warn("committing {} failed, the batch will be sent again by the partitions' next owner: {}",
                    offsets.keySet(), e.toString());
        } catch (KafkaException e) {
            LOG.error("committing {} failed; rewinding to send the batch again: {}", offsets.keySet(), e.toString());
            rewind(records);
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            // shutdown() woke us in the middle of a batch that is fully reported: commit it before leaving
            consumer.commitSync(offsets);
        }
    }

    /** Past each partition's last record; past a trailing transaction marker too where the consumer knows it. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            ConsumerRecord<byte[], byte[]> last = list.get(list.size() - 1);
            offsets.put(tp, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
        }
        records.nextOffsets().forEach((tp, next) -> offsets.merge(tp, next,
                (mine, theirs) -> theirs.offset() >= mine.offset() ? theirs : mine));
        return offsets;
    }

    /** Reads the batch again from its start: a report that was not acknowledged must not be skipped. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            long first = records.records(tp).get(0).offset();
            try {
                consumer.seek(tp, first);
            } catch (IllegalStateException e) {
                LOG.debug("{} is no longer assigned; its next owner reads from the committed offset", tp);
            }
        }
        LOG.warn("batch of {} will be sent again", records.count());
        pause();
    }

    private void pause() {
        if (running) {
            LockSupport.parkNanos(BACKOFF.toNanos());
        }
    }

    private void closeClients() {
        try {
            consumer.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
    }
}
