package io.smsotp.dispatcher.consumer;

import io.smsotp.dispatcher.provider.DeliveryOutcome;
import io.smsotp.dispatcher.provider.Sending;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.logging.ChallengeMdc;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in each record a poll brought, on the loop thread, and never throws for one: a record the
 * partition's previous owner finished is skipped; one that is not a usable request, or whose text
 * does not open, is dead-lettered; the rest is handed to the sender, whose outcome is reported
 * when it comes. Every record taken is held in its partition's {@link PartitionOffsets} until
 * its reports are acknowledged.
 */
final class RecordIntake {

    private static final Logger LOG = LoggerFactory.getLogger(RecordIntake.class);

    private final Function<TopicPartition, PartitionOffsets> partitions;
    private final OutcomeReports reports;
    private final SmsCipher cipher;
    private final Function<SmsRequest, Sending> sender;

    /**
     * @param partitions the state of the partition a record came from
     * @param sender starts delivering an opened request and returns at once
     */
    RecordIntake(Function<TopicPartition, PartitionOffsets> partitions, OutcomeReports reports, SmsCipher cipher,
                 Function<SmsRequest, Sending> sender) {
        this.partitions = Objects.requireNonNull(partitions, "partitions");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    void accept(ConsumerRecord<byte[], byte[]> record) {
        PartitionOffsets p = partitions.apply(new TopicPartition(record.topic(), record.partition()));
        if (p.finishedEarlier(record.offset())) {
            // its outcome was reported by this partition's previous owner, who said so in its commit
            LOG.debug("skipping {}-{}@{}: finished before the hand-over", record.topic(), record.partition(), record.offset());
            p.read(record.offset(), null);
            return;
        }
        Pending pending = new Pending(p, record.offset());
        p.read(record.offset(), pending);
        try {
            start(record, pending);
        } catch (RuntimeException e) {
            // a defect of ours, not bad input: report it failed rather than hold the partition forever
            LOG.error("starting {}-{}@{} failed: {}", record.topic(), record.partition(), record.offset(),
                    Defects.describe(e));
            reports.internalError(pending, record, idsOrNull(record), e);
        }
    }

    private void start(ConsumerRecord<byte[], byte[]> record, Pending pending) {
        SmsRequest sealed;
        try {
            sealed = SendRequests.parse(record);
        } catch (BadRecordException e) {
            LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            reports.unusable(pending, record, e.getMessage());
            return;
        }
        try (ChallengeMdc.Scope ignored = ChallengeMdc.put(sealed.challengeId())) {
            deliver(record, pending, sealed);
        }
    }

    /** Opens the text and hands it to the sender; the outcome is reported when it comes. */
    private void deliver(ConsumerRecord<byte[], byte[]> record, Pending pending, SmsRequest sealed) {
        SmsRequest request;
        try {
            // the text is opened here and lives only in this worker's memory from now on
            request = cipher.open(sealed);
        } catch (IllegalArgumentException e) {
            // plaintext, changed, or sealed under another key: never sent; the challenge learns it failed
            LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            reports.unopened(pending, record, sealed, e.getMessage());
            return;
        }
        Sending sending = sender.apply(request);
        pending.delivering(sending);
        sending.outcome().whenComplete((outcome, error) -> {
            // on whichever thread ended the send: the challenge goes into the MDC again there
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(request.challengeId())) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof CancellationException) {
                    reports.abandoned(pending);
                    return;
                }
                DeliveryOutcome result = cause == null ? outcome : OutcomeReports.internalFailure(cause);
                reports.delivered(pending, record, request, result);
            }
        });
    }

    private static SmsRequest idsOrNull(ConsumerRecord<byte[], byte[]> record) {
        try {
            return SendRequests.parse(record);
        } catch (BadRecordException | RuntimeException e) {
            return null;
        }
    }
}
