package io.smsotp.dispatcher.consumer;

import io.smsotp.config.DispatcherSettings;
import io.smsotp.dispatcher.provider.Sending;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume → send → report loop of one dispatcher worker, on its own thread: the wiring of
 * the parts below around the consumer's poll.
 *
 * <p><b>Nothing waits on this thread.</b> Each record read becomes a {@link Sending} that the
 * {@link SmsSender} drives on its own threads (calls, backoffs, rate limits); the loop goes on
 * polling and starting newer records while older ones wait for a retry ({@link RecordIntake}).
 * When a delivery ends, its {@link SmsStatus} (and, when providers gave up, its dead letter) is
 * produced; once the brokers acknowledged them the record is finished ({@link OutcomeReports}).
 *
 * <p><b>Offsets.</b> Per partition the loop commits the lowest offset not yet finished, with the
 * finished ones above it listed in the commit's metadata ({@link OffsetMetadata}), so the next
 * owner of the partition skips them: a rebalance or a stop sends nothing twice that was reported.
 * Only a crash between a send and the next commit (at most {@link Commits#COMMIT_INTERVAL} later)
 * can send a message twice, and only those the worker held; it is at-least-once ({@link Offsets},
 * {@link Commits}).
 *
 * <p><b>Bounds.</b> At most {@code maxInFlight} calls open (the sender's slots) and at most
 * {@code maxPending} records held ({@link BackPressure}).
 *
 * <p><b>Hand-over.</b> When partitions leave this worker (rebalance, stop), what waits for them is
 * abandoned, calls that are open run to their end and are reported if they sent, what is finished
 * is committed and the rest is left to the next owner ({@link Rebalance}, {@link HandOver}).
 *
 * <p><b>Stop.</b> {@link #shutdown()} ends the polling at once (records a poll brought but the loop
 * did not start stay below the commit, for the next owner); then the hand-over of every partition,
 * with the open calls given what is left of {@code shutdownTimeout} but a reserve for the commit
 * ({@link Stop}), leaving the group (a LeaveGroup, so that the partitions move at once rather than
 * after the session timeout) and flushing the producer. Each step is logged.
 */
public final class DispatchLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** Pause after a failure of the brokers, so that the loop does not spin on it. */
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final String groupId;
    private final Stop stop;
    private final Offsets offsets = new Offsets();
    private final Commits commits;
    private final BackPressure backPressure;
    private final HandOver handOver;
    private final Rebalance rebalance;
    private final RecordIntake intake;

    /**
     * The loop owns both clients from here on and closes them when it ends.
     *
     * @param settings {@code maxPending}, {@code maxInFlight} (the consumer's max.poll.records),
     *     {@code requestTimeout} (how long a hand-over waits for open calls, plus 5 s) and
     *     {@code shutdownTimeout} (how long a stop takes at most)
     */
    public DispatchLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, SmsSender sender,
                        DispatcherSettings settings, Clock clock, SmsCipher cipher) {
        Objects.requireNonNull(sender, "sender");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.groupId = settings.groupId();
        this.stop = new Stop(settings.shutdownTimeout());
        this.commits = new Commits(consumer, offsets, stop);
        this.backPressure = new BackPressure(consumer, settings.maxPending(), settings.maxInFlight());
        this.handOver = new HandOver(offsets, commits, stop, settings.requestTimeout().plusSeconds(5));
        this.rebalance = new Rebalance(offsets, commits, handOver, backPressure);
        OutcomeReports reports = new OutcomeReports(producer, offsets, clock);
        this.intake = new RecordIntake(commits::stateOf, reports, cipher, sender::deliver);
    }

    @Override
    public void run() {
        try {
            subscribe();
            while (!stop.asked()) {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    // a defect of ours: the loop lives on; what it holds stays uncommitted until finished
                    LOG.error("the dispatch loop failed: {}", Defects.describe(e));
                    pause();
                }
            }
            handOver.allForStop();
        } finally {
            rebalance.left();
            closeClients();
        }
    }

    /**
     * Whether this worker is a member of the group now, with the partitions it was given: maybe
     * none, when the group has more workers than {@code sms.outbound} has partitions. Any thread.
     */
    public boolean inGroup() {
        return rebalance.inGroup();
    }

    /** The partitions of {@code sms.outbound} this worker owns now. Any thread. */
    public int ownedPartitions() {
        return rebalance.owned();
    }

    /**
     * Ends the loop within {@code shutdownTimeout}: no more polls; open calls are finished and
     * reported, what waits is left to the next owner; the finished are committed; the worker
     * leaves the group and closes its clients. Returns at once. Any thread.
     */
    public void shutdown() {
        stop.ask();
        consumer.wakeup();
    }

    void subscribe() {
        consumer.subscribe(List.of(Topics.SMS_OUTBOUND.name()), rebalance);
    }

    /** One turn: take in finished records, commit, apply back-pressure, poll and start what came. */
    void runOnce() {
        offsets.applySettled();
        commits.commitIfDue();
        backPressure.apply(offsets.held());
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
        if (stop.asked()) {
            // not started, so not held: the next owner reads them from the committed offset
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            intake.accept(record);
        }
        records.nextOffsets().forEach((tp, next) -> {
            PartitionOffsets p = offsets.get(tp);
            if (p != null) {
                p.advanceTo(next.offset());
            }
        });
    }

    /** Records held: unfinished, or finished and not yet committed. */
    int held() {
        return offsets.held();
    }

    private void pause() {
        if (!stop.asked()) {
            LockSupport.parkNanos(BACKOFF.toNanos());
        }
    }

    private void closeClients() {
        long start = System.nanoTime();
        try {
            // LEAVE_GROUP, also were the member ever static: the partitions move now, not after the session timeout
            consumer.close(CloseOptions.timeout(stop.remaining())
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            LOG.info("left group {} and closed the consumer in {} ms", groupId, millisSince(start));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        start = System.nanoTime();
        try {
            // close flushes: reports of calls that ended after the drain still go out
            producer.close(stop.remaining());
            LOG.info("flushed and closed the producer in {} ms", millisSince(start));
        } catch (RuntimeException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
