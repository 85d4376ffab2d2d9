package io.smsotp.dispatcher.consumer;

import io.smsotp.config.DispatcherSettings;
import io.smsotp.dispatcher.provider.DeliveryOutcome;
import io.smsotp.dispatcher.provider.Sending;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import io.smsotp.logging.ChallengeMdc;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * <p><b>Nothing waits on this thread.</b> Each record read becomes a {@link Sending} that the
 * {@link SmsSender} drives on its own threads (calls, backoffs, rate limits); the loop goes on
 * polling and starting newer records while older ones wait for a retry. When a delivery ends, its
 * {@link SmsStatus} (and, when providers gave up, its dead letter) is produced; once the brokers
 * acknowledged them the record is finished.
 *
 * <p><b>Offsets.</b> Per partition the loop commits the lowest offset not yet finished, with the
 * finished ones above it listed in the commit's metadata ({@link OffsetMetadata}), so the next
 * owner of the partition skips them: a rebalance or a stop sends nothing twice that was reported.
 * Only a crash between a send and the next commit (at most {@link #COMMIT_INTERVAL} later) can
 * send a message twice, and only those the worker held; it is at-least-once.
 *
 * <p><b>Bounds.</b> At most {@code maxInFlight} calls open (the sender's slots) and at most
 * {@code maxPending} records held (unfinished, or finished and not yet committed): before a poll
 * could take it past that, the assigned partitions are paused; they resume once it has room again.
 * The loop keeps calling poll meanwhile, so the group membership stays alive.
 *
 * <p><b>Hand-over.</b> When partitions leave this worker (rebalance, stop), what waits for them
 * (backoff, rate limit, a free slot) is abandoned at once; calls that are open run to their end (at
 * most one request timeout) and are reported if they sent; then what is finished is committed and
 * the rest is left to the next owner, which sends it again from its first try. A call that does
 * not end within the hand-over's time may therefore be sent twice (at-least-once).
 *
 * <p><b>Stop.</b> {@link #shutdown()} ends the polling at once (records a poll brought but the loop
 * did not start stay below the commit, for the next owner); then the hand-over above of every
 * partition, with the open calls given what is left of {@code shutdownTimeout} but a reserve for
 * the commit, leaving the group (a LeaveGroup, so that the partitions move at once rather than
 * after the session timeout) and flushing the producer. Each step is logged.
 */
public final class DispatchLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How often finished records are committed: the window in which a crash can send them twice. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    /** Pause after a failure of the brokers, so that the loop does not spin on it. */
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    private static final Duration REPORT_RETRY = Duration.ofSeconds(1);
    /** How often a wait for open calls looks whether a stop shortened it. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(50);
    /** The least a closing step gets, even past the stop's deadline: a LeaveGroup is one round trip. */
    private static final Duration MIN_STEP = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final SmsSender sender;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final SmsCipher cipher;
    private final int maxPending;
    private final int maxPollRecords;
    private final Duration handOverTimeout;
    private final Duration shutdownTimeout;
    /** Of the stop's time, what the commit, the LeaveGroup and the producer's flush keep for themselves. */
    private final Duration closeReserve;
    private final String groupId;
    private final Serializer<String> keySerializer = Topics.SMS_STATUS.keySerde().serializer();
    private final Serializer<SmsStatus> statusSerializer = Topics.SMS_STATUS.valueSerde().serializer();
    /** The partitions this worker owns. Loop thread only. */
    private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();
    /** Records whose reports were acknowledged (or given up), handed from the producer's thread to the loop. */
    private final Queue<Pending> settled = new ConcurrentLinkedQueue<>();
    private boolean paused;
    private long lastCommit = System.nanoTime();
    private volatile boolean running = true;
    /** When a stop must be done ({@link System#nanoTime()}); set by {@link #shutdown()} before {@code running}. */
    private volatile long stopBy;
    /** A member of the group: an assignment (maybe empty) came and was not lost since. */
    private volatile boolean inGroup;
    private volatile int owned;

    /**
     * The loop owns both clients from here on and closes them when it ends.
     *
     * @param settings {@code maxPending}, {@code maxInFlight} (the consumer's max.poll.records),
     *     {@code requestTimeout} (how long a hand-over waits for open calls, plus 5 s) and
     *     {@code shutdownTimeout} (how long a stop takes at most)
     */
    public DispatchLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, SmsSender sender,
                        DispatcherSettings settings, Clock clock, SmsCipher cipher) {
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxPending = settings.maxPending();
        this.maxPollRecords = settings.maxInFlight();
        this.handOverTimeout = settings.requestTimeout().plusSeconds(5);
        this.shutdownTimeout = settings.shutdownTimeout();
        Duration quarter = shutdownTimeout.dividedBy(4);
        this.closeReserve = quarter.compareTo(Duration.ofSeconds(2)) < 0 ? quarter : Duration.ofSeconds(2);
        this.groupId = settings.groupId();
        this.deadLetters = new DeadLetters(producer);
    }

    @Override
    public void run() {
        try {
            subscribe();
            while (running) {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    // a defect of ours: the loop lives on; what it holds stays uncommitted until finished
                    LOG.error("the dispatch loop failed: {} at {}", e.getClass().getName(), topFrame(e));
                    pause();
                }
            }
            drainForStop();
        } finally {
            inGroup = false;
            owned = 0;
            closeClients();
        }
    }

    /**
     * Whether this worker is a member of the group now, with the partitions it was given: maybe
     * none, when the group has more workers than {@code sms.outbound} has partitions. Any thread.
     */
    public boolean inGroup() {
        return inGroup;
    }

    /** The partitions of {@code sms.outbound} this worker owns now. Any thread. */
    public int ownedPartitions() {
        return owned;
    }

    /**
     * Ends the loop within {@code shutdownTimeout}: no more polls; open calls are finished and
     * reported, what waits is left to the next owner; the finished are committed; the worker
     * leaves the group and closes its clients. Returns at once. Any thread.
     */
    public void shutdown() {
        if (stopBy == 0) {
            stopBy = System.nanoTime() + shutdownTimeout.toNanos();
        }
        running = false;
        consumer.wakeup();
    }

    void subscribe() {
        consumer.subscribe(List.of(Topics.SMS_OUTBOUND.name()), new Rebalance());
    }

    /** One turn: take in finished records, commit, apply back-pressure, poll and start what came. */
    void runOnce() {
        applySettled();
        commitIfDue(false);
        applyBackPressure();
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
        if (!running) {
            // not started, so not held: the next owner reads them from the committed offset
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            accept(record);
        }
        records.nextOffsets().forEach((tp, next) -> {
            PartitionOffsets p = partitions.get(tp);
            if (p != null) {
                p.advanceTo(next.offset());
            }
        });
    }

    /** Records held: unfinished, or finished and not yet committed. */
    int held() {
        int held = 0;
        for (PartitionOffsets p : partitions.values()) {
            held += p.held();
        }
        return held;
    }

    boolean paused() {
        return paused;
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        PartitionOffsets p = partitionOf(new TopicPartition(record.topic(), record.partition()));
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
            LOG.error("starting {}-{}@{} failed: {} at {}", record.topic(), record.partition(), record.offset(),
                    e.getClass().getName(), topFrame(e));
            SmsRequest ids = idsOrNull(record);
            if (ids == null) {
                settleWhenAcked(pending, () -> List.of(deadLetters.send(record, "internal error: " + e.getClass().getSimpleName())));
            } else {
                settleWhenAcked(pending, () -> List.of(report(ids, internalFailure(e))));
            }
        }
    }

    private void start(ConsumerRecord<byte[], byte[]> record, Pending pending) {
        SmsRequest sealed;
        try {
            sealed = SendRequests.parse(record);
        } catch (BadRecordException e) {
            LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            settleWhenAcked(pending, () -> List.of(deadLetters.send(record, e.getMessage())));
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
            DeliveryOutcome failed = new DeliveryOutcome(Delivery.FAILED, null, null, "the SMS text could not be opened",
                    List.of());
            settleWhenAcked(pending, () -> List.of(deadLetters.send(record, e.getMessage()), report(sealed, failed)));
            return;
        }
        Sending sending = sender.deliver(request);
        pending.delivering(sending);
        sending.outcome().whenComplete((outcome, error) -> {
            // on whichever thread ended the send: the challenge goes into the MDC again there
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(request.challengeId())) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof CancellationException) {
                    // abandoned in a hand-over: nothing reported, the next owner sends it
                    settle(pending, false);
                    return;
                }
                DeliveryOutcome result = cause == null ? outcome : internalFailure(cause);
                log(request, result);
                settleWhenAcked(pending, () -> publications(record, request, result));
            }
        });
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

    /** Produces, and once every send is acknowledged, marks the record finished; a refused send is made again. */
    private void settleWhenAcked(Pending pending, Supplier<List<CompletableFuture<?>>> publish) {
        List<CompletableFuture<?>> sends = publish.get();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                settle(pending, true);
            } else if (pending.abandoned()) {
                LOG.warn("a report for {}-{}@{} was not acknowledged and the partition has moved on; its next owner"
                        + " sends it again: {}", pending.partition.partition.topic(), pending.partition.partition.partition(),
                        pending.offset, error.toString());
                settle(pending, false);
            } else {
                // the outcome is known: report it again rather than send the SMS again
                LOG.error("a report for {}-{}@{} was not acknowledged; trying again in {}: {}",
                        pending.partition.partition.topic(), pending.partition.partition.partition(), pending.offset,
                        REPORT_RETRY, error.toString());
                CompletableFuture.delayedExecutor(REPORT_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> settleWhenAcked(pending, publish));
            }
        });
    }

    private void settle(Pending pending, boolean finished) {
        pending.settled.complete(finished);
        settled.add(pending);
    }

    /** Marks records finished whose reports were acknowledged; on the loop thread. */
    private void applySettled() {
        Pending p;
        while ((p = settled.poll()) != null) {
            // a report of an earlier assignment of the partition is old news
            if (partitions.get(p.partition.partition) == p.partition && Boolean.TRUE.equals(p.settled.getNow(false))) {
                p.partition.finish(p.offset);
            }
        }
    }

    private void commitIfDue(boolean now) {
        if (!now && System.nanoTime() - lastCommit < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        lastCommit = System.nanoTime();
        commit(partitions.values());
    }

    /** Commits what {@code which} finished; answers how many partitions were committed. */
    private int commit(Collection<PartitionOffsets> which) {
        Map<TopicPartition, OffsetAndMetadata> points = new HashMap<>();
        for (PartitionOffsets p : which) {
            OffsetAndMetadata point = p.commitPoint();
            if (point != null) {
                points.put(p.partition, point);
            }
        }
        if (points.isEmpty()) {
            return 0;
        }
        try {
            commitSync(points);
            points.forEach((tp, point) -> partitions.get(tp).committed(point));
            return points.size();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the group is rebalancing: the revocation commits what is finished before the partitions move
            LOG.info("commit of {} put off by a rebalance: {}", points.keySet(), e.toString());
        } catch (KafkaException e) {
            LOG.error("committing {} failed; trying again: {}", points.keySet(), e.toString());
        }
        return 0;
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!running) {
            // a stop: within what is left of its time, not the client's default minute
            commitSyncOnce(offsets, remaining());
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            // shutdown() woke us in the middle of a commit: make it before leaving
            commitSyncOnce(offsets, remaining());
        }
    }

    private void commitSyncOnce(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        try {
            consumer.commitSync(offsets, timeout);
        } catch (WakeupException e) {
            // the wake-up of shutdown() was still pending: it is used up now
            consumer.commitSync(offsets, timeout);
        }
    }

    private void applyBackPressure() {
        // pause before a poll could take us past maxPending: one poll brings up to max.poll.records
        boolean full = held() + maxPollRecords > maxPending;
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
            LOG.debug("holding {} records: pausing {}", held(), consumer.assignment());
        } else if (!full && paused) {
            consumer.resume(consumer.assignment());
            paused = false;
            LOG.debug("holding {} records: resuming", held());
        }
    }

    private PartitionOffsets partitionOf(TopicPartition tp) {
        PartitionOffsets p = partitions.get(tp);
        if (p == null) {
            // assigned without our listener (assign() in tests, or its lookup failed): learn the commit now
            p = new PartitionOffsets(tp, committed(List.of(tp)).get(tp));
            partitions.put(tp, p);
        }
        return p;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> tps) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumer.committed(new HashSet<>(tps));
            } catch (WakeupException e) {
                // shutdown() woke us: the next poll ends the loop, whose hand-over needs these
                committed = consumer.committed(new HashSet<>(tps), remaining());
            }
            return committed == null ? Map.of() : committed;
        } catch (KafkaException e) {
            // without it, finished records after the committed offset are sent again: at-least-once still holds
            LOG.warn("reading the committed offsets of {} failed: {}", tps, e.toString());
            return Map.of();
        }
    }

    /**
     * Lets partitions go: abandons what waits, gives open calls up to a request timeout to end and
     * be reported (less when a stop comes meanwhile), commits what is finished (unless the
     * partitions are already lost), forgets them.
     */
    private void handOver(Collection<TopicPartition> leaving, boolean commit) {
        List<PartitionOffsets> states = statesOf(leaving);
        if (states.isEmpty()) {
            return;
        }
        List<CompletableFuture<Boolean>> waits = abandon(states);
        if (!awaitSettled(waits, System.nanoTime() + handOverTimeout.toNanos())) {
            long open = waits.stream().filter(w -> !w.isDone()).count();
            // they may have reached the provider: the next owner may send them again (at-least-once)
            LOG.warn("{} calls still open after {}; the next owner of {} sends them again", open, handOverTimeout, leaving);
        }
        finishSettled(states);
        if (commit) {
            commit(states);
        }
        LOG.info("handed over {} ({} unfinished left to the next owner)", leaving, forget(states));
    }

    /** The hand-over of every partition at a stop, bounded by the stop's deadline, each step logged. */
    private void drainForStop() {
        long start = System.nanoTime();
        List<PartitionOffsets> states = List.copyOf(partitions.values());
        List<CompletableFuture<Boolean>> waits = abandon(states);
        // abandoning settles at once what only waited (backoff, permit, slot); what is left is in flight
        long inFlight = waits.stream().filter(w -> !w.isDone()).count();
        long drainBy = stopDeadline() - closeReserve.toNanos();
        LOG.info("stopping: polling stopped; draining {} in-flight sends (up to {} ms); {} waiting for a retry,"
                + " a permit or a slot are left to the next owner", inFlight,
                Math.max(0, TimeUnit.NANOSECONDS.toMillis(drainBy - System.nanoTime())), waits.size() - inFlight);
        boolean drained = awaitSettled(waits, drainBy);
        finishSettled(states);
        long open = waits.stream().filter(w -> !w.isDone()).count();
        if (drained) {
            LOG.info("drained in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } else {
            // they may have reached the provider: the next owner may send them again (at-least-once)
            LOG.warn("{} sends still open when the drain time ran out; the next owner sends them again", open);
        }
        int committed = commit(states);
        int left = forget(states);
        LOG.info("committed {} partitions; {} records unfinished left to the next owner", committed, left);
    }

    /**
     * Marks finished what was settled as such. Not {@link #applySettled()}: the wait above wakes
     * when the futures complete, which may be before their settler put them in the queue.
     */
    private static void finishSettled(List<PartitionOffsets> states) {
        for (PartitionOffsets p : states) {
            for (Pending pending : p.open()) {
                if (Boolean.TRUE.equals(pending.settled.getNow(false))) {
                    p.finish(pending.offset);
                }
            }
        }
    }

    private List<PartitionOffsets> statesOf(Collection<TopicPartition> leaving) {
        return leaving.stream().map(partitions::get).filter(Objects::nonNull).toList();
    }

    /** Abandons every open record of {@code states}; answers the futures that say when each is settled. */
    private static List<CompletableFuture<Boolean>> abandon(List<PartitionOffsets> states) {
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        for (PartitionOffsets p : states) {
            for (Pending pending : p.open()) {
                pending.abandon();
                waits.add(pending.settled);
            }
        }
        return waits;
    }

    /**
     * Waits until every one of {@code waits} is settled, or {@code untilNanos}, or, once a stop was
     * asked, the stop's drain deadline if that comes first. Answers whether all were settled.
     */
    private boolean awaitSettled(List<CompletableFuture<Boolean>> waits, long untilNanos) {
        CompletableFuture<Void> all = CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
        while (true) {
            long until = running ? untilNanos : Math.min(untilNanos, stopDeadline() - closeReserve.toNanos());
            long left = until - System.nanoTime();
            if (left <= 0) {
                return all.isDone();
            }
            try {
                all.get(Math.min(left, WAIT_SLICE.toNanos()), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                // look again whether a stop came meanwhile
            } catch (ExecutionException e) {
                LOG.error("waiting for open calls failed: {}", e.toString());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return all.isDone();
            }
        }
    }

    /** Forgets the partitions of {@code states}; answers how many records they left unfinished. */
    private int forget(List<PartitionOffsets> states) {
        int left = 0;
        for (PartitionOffsets p : states) {
            left += p.open().size();
            partitions.remove(p.partition);
        }
        return left;
    }

    /** When the stop must be done; a loop that ends without {@link #shutdown()} starts its stop now. */
    private long stopDeadline() {
        if (stopBy == 0) {
            stopBy = System.nanoTime() + shutdownTimeout.toNanos();
        }
        return stopBy;
    }

    /** What is left of the stop's time, at least {@link #MIN_STEP}. */
    private Duration remaining() {
        long left = stopDeadline() - System.nanoTime();
        return left < MIN_STEP.toNanos() ? MIN_STEP : Duration.ofNanos(left);
    }

    /** The group's partitions moving to and from this worker; called inside poll, on the loop thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            handOver(revoked, true);
            owned = partitions.size();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            // another worker owns them already: a commit would be refused, and would be wrong
            inGroup = false;
            handOver(lost, false);
            owned = partitions.size();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            // called at the end of every rebalance this member took part in, with nothing new or not
            inGroup = true;
            if (assigned.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = committed(assigned);
            for (TopicPartition tp : assigned) {
                partitions.put(tp, new PartitionOffsets(tp, committed.get(tp)));
            }
            owned = partitions.size();
            if (paused) {
                consumer.pause(assigned);
            }
        }
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

    private static DeliveryOutcome internalFailure(Throwable e) {
        // the exception's message could quote a value: its type only
        LOG.error("a delivery failed unexpectedly: {} at {}", e.getClass().getName(), topFrame(e));
        return new DeliveryOutcome(Delivery.FAILED, null, null, "internal error: " + e.getClass().getSimpleName(), List.of());
    }

    private static SmsRequest idsOrNull(ConsumerRecord<byte[], byte[]> record) {
        try {
            return SendRequests.parse(record);
        } catch (BadRecordException | RuntimeException e) {
            return null;
        }
    }

    private static StackTraceElement topFrame(Throwable e) {
        return e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
    }

    private void pause() {
        if (running) {
            LockSupport.parkNanos(BACKOFF.toNanos());
        }
    }

    private void closeClients() {
        long start = System.nanoTime();
        try {
            // LEAVE_GROUP, also were the member ever static: the partitions move now, not after the session timeout
            consumer.close(CloseOptions.timeout(remaining())
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            LOG.info("left group {} and closed the consumer in {} ms", groupId, millisSince(start));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        start = System.nanoTime();
        try {
            // close flushes: reports of calls that ended after the drain still go out
            producer.close(remaining());
            LOG.info("flushed and closed the producer in {} ms", millisSince(start));
        } catch (RuntimeException e) {
            LOG.warn("closing the producer: {}", e.toString());
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
