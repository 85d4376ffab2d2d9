package io.smsotp.dispatcher.consumer;

import io.smsotp.dispatcher.provider.DeliveryOutcome;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker produces about a record, and when the record counts as finished: its
 * {@link SmsStatus} report on {@code sms.status} and, when it cannot be used or no provider could
 * send it, its dead letter. A record is settled finished once the brokers acknowledged all of them;
 * a refused report is made again (the outcome is known: the SMS is not sent again) until it is
 * acknowledged or the partition has moved on. Any thread.
 */
final class OutcomeReports {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeReports.class);
    static final Duration REPORT_RETRY = Duration.ofSeconds(1);
    static final String NOT_OPENED = "the SMS text could not be opened";

    private final Producer<byte[], byte[]> producer;
    private final DeadLetters deadLetters;
    private final Offsets offsets;
    private final Clock clock;
    private final Duration retry;
    private final Serializer<String> keySerializer = Topics.SMS_STATUS.keySerde().serializer();
    private final Serializer<SmsStatus> statusSerializer = Topics.SMS_STATUS.valueSerde().serializer();

    OutcomeReports(Producer<byte[], byte[]> producer, Offsets offsets, Clock clock) {
        this(producer, offsets, clock, REPORT_RETRY);
    }

    OutcomeReports(Producer<byte[], byte[]> producer, Offsets offsets, Clock clock, Duration retry) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.deadLetters = new DeadLetters(producer);
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** A record that is not a usable request: dead-lettered as it came, {@code error} saying why. */
    void unusable(Pending pending, ConsumerRecord<byte[], byte[]> record, String error) {
        settleWhenAcked(pending, () -> List.of(deadLetters.send(record, error)));
    }

    /** A request whose text does not open: never sent; dead-lettered (still sealed) and reported failed. */
    void unopened(Pending pending, ConsumerRecord<byte[], byte[]> record, SmsRequest sealed, String error) {
        DeliveryOutcome failed = new DeliveryOutcome(Delivery.FAILED, null, null, NOT_OPENED, List.of());
        settleWhenAcked(pending, () -> List.of(deadLetters.send(record, error), report(sealed, failed)));
    }

    /** How the delivery of {@code request} ended; dead-lettered too when the providers gave up. */
    void delivered(Pending pending, ConsumerRecord<byte[], byte[]> record, SmsRequest request, DeliveryOutcome outcome) {
        log(request, outcome);
        settleWhenAcked(pending, () -> publications(record, request, outcome));
    }

    /** A defect of ours met the record: reported failed (dead-lettered when it has no ids to report to). */
    void internalError(Pending pending, ConsumerRecord<byte[], byte[]> record, SmsRequest idsOrNull, Throwable e) {
        if (idsOrNull == null) {
            unusable(pending, record, internalReason(e));
        } else {
            settleWhenAcked(pending, () -> List.of(report(idsOrNull, internalFailure(e))));
        }
    }

    /** Abandoned in a hand-over before it had an outcome: nothing reported, the next owner sends it. */
    void abandoned(Pending pending) {
        offsets.settle(pending, false);
    }

    /** An outcome for an unexpected failure of a delivery, logged; its type only (a message could quote a value). */
    static DeliveryOutcome internalFailure(Throwable e) {
        LOG.error("a delivery failed unexpectedly: {}", Defects.describe(e));
        return new DeliveryOutcome(Delivery.FAILED, null, null, internalReason(e), List.of());
    }

    private static String internalReason(Throwable e) {
        return "internal error: " + e.getClass().getSimpleName();
    }

    /** The status report, and the dead letter when the providers gave up. */
    private List<CompletableFuture<?>> publications(ConsumerRecord<byte[], byte[]> record, SmsRequest request,
                                                   DeliveryOutcome outcome) {
        List<CompletableFuture<?>> sends = new ArrayList<>(2);
        if (outcome.providersGaveUp()) {
            // the record as it came: its text stays sealed
            sends.add(deadLetters.send(record, outcome.reason(), outcome.attempts()));
        }
        sends.add(report(request, outcome));
        return sends;
    }

    /** Produces, and once every send is acknowledged, settles the record finished; a refused send is made again. */
    private void settleWhenAcked(Pending pending, Supplier<List<CompletableFuture<?>>> publish) {
        List<CompletableFuture<?>> sends = publish.get();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                offsets.settle(pending, true);
            } else if (pending.abandoned()) {
                LOG.warn("a report for {} was not acknowledged and the partition has moved on; its next owner"
                        + " sends it again: {}", where(pending), error.toString());
                offsets.settle(pending, false);
            } else {
                // the outcome is known: report it again rather than send the SMS again
                LOG.error("a report for {} was not acknowledged; trying again in {}: {}", where(pending), retry,
                        error.toString());
                // a thread of its own, not the common pool's two: producing may block while a broker is away
                CompletableFuture.delayedExecutor(retry.toMillis(), TimeUnit.MILLISECONDS, OutcomeReports::onOwnThread)
                        .execute(() -> settleWhenAcked(pending, publish));
            }
        });
    }

    private static void onOwnThread(Runnable retry) {
        Thread t = new Thread(retry, "sms-report-retry");
        t.setDaemon(true);
        t.start();
    }

    private CompletableFuture<?> report(SmsRequest request, DeliveryOutcome outcome) {
        SmsStatus status = new SmsStatus(request.messageId(), request.challengeId(), outcome.delivery(),
                outcome.provider(), outcome.httpStatus(), outcome.reason(), clock.instant());
        String topic = Topics.SMS_STATUS.name();
        try {
            return Acks.send(producer, new ProducerRecord<>(topic, keySerializer.serialize(topic, request.challengeId()),
                    statusSerializer.serialize(topic, status)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String where(Pending pending) {
        return pending.partition.partition.topic() + "-" + pending.partition.partition.partition() + "@" + pending.offset;
    }

    private static void log(SmsRequest request, DeliveryOutcome outcome) {
        switch (outcome.delivery()) {
            case SENT -> LOG.debug("message {} of challenge {} sent by {} (HTTP {}) after {} tries", request.messageId(),
                    request.challengeId(), outcome.provider(), outcome.httpStatus(), outcome.attempts().size());
            case DROPPED -> LOG.info("message {} of challenge {} dropped: {}", request.messageId(), request.challengeId(),
                    outcome.reason());
            default -> LOG.warn("message {} of challenge {} failed: {}", request.messageId(), request.challengeId(),
                    outcome.reason());
        }
    }
}
