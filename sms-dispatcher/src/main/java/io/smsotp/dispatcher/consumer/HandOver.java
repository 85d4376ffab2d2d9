package io.smsotp.dispatcher.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets partitions go, at a rebalance or a stop, so that their next owner sends nothing twice that
 * was reported: what waits (backoff, rate limit, a free slot) is abandoned at once; calls that are
 * open get up to {@code handOverTimeout} to end and be reported (less when a stop comes meanwhile);
 * then what is finished is committed and the partitions are forgotten. A call that does not end in
 * time may be sent again by the next owner (at-least-once). Loop thread only.
 */
final class HandOver {

    private static final Logger LOG = LoggerFactory.getLogger(HandOver.class);
    /** How often a wait for open calls looks whether a stop shortened it. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(50);

    private final Offsets offsets;
    private final Commits commits;
    private final Stop stop;
    private final Duration handOverTimeout;

    HandOver(Offsets offsets, Commits commits, Stop stop, Duration handOverTimeout) {
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.commits = Objects.requireNonNull(commits, "commits");
        this.stop = Objects.requireNonNull(stop, "stop");
        this.handOverTimeout = Objects.requireNonNull(handOverTimeout, "handOverTimeout");
    }

    /** Hands over {@code leaving}; commits what they finished unless {@code commit} is false (they are lost). */
    void partitions(Collection<TopicPartition> leaving, boolean commit) {
        List<PartitionOffsets> states = offsets.of(leaving);
        if (states.isEmpty()) {
            return;
        }
        List<CompletableFuture<Boolean>> waits = abandon(states);
        if (!awaitSettled(waits, System.nanoTime() + handOverTimeout.toNanos())) {
            long open = waits.stream().filter(w -> !w.isDone()).count();
            // they may have reached the provider: the next owner may send them again (at-least-once)
            LOG.warn("{} calls still open after {}; the next owner of {} sends them again", open, handOverTimeout, leaving);
        }
        Offsets.finishSettled(states);
        if (commit) {
            commits.commit(states);
        }
        LOG.info("handed over {} ({} unfinished left to the next owner)", leaving, offsets.forget(states));
    }

    /** The hand-over of every partition at a stop, bounded by the stop's deadline, each step logged. */
    void allForStop() {
        long start = System.nanoTime();
        List<PartitionOffsets> states = offsets.all();
        List<CompletableFuture<Boolean>> waits = abandon(states);
        // abandoning settles at once what only waited (backoff, permit, slot); what is left is in flight
        long inFlight = waits.stream().filter(w -> !w.isDone()).count();
        long drainBy = stop.drainDeadline();
        LOG.info("stopping: polling stopped; draining {} in-flight sends (up to {} ms); {} waiting for a retry,"
                + " a permit or a slot are left to the next owner", inFlight,
                Math.max(0, TimeUnit.NANOSECONDS.toMillis(drainBy - System.nanoTime())), waits.size() - inFlight);
        boolean drained = awaitSettled(waits, drainBy);
        Offsets.finishSettled(states);
        long open = waits.stream().filter(w -> !w.isDone()).count();
        if (drained) {
            LOG.info("drained in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } else {
            // they may have reached the provider: the next owner may send them again (at-least-once)
            LOG.warn("{} sends still open when the drain time ran out; the next owner sends them again", open);
        }
        int committed = commits.commit(states);
        int left = offsets.forget(states);
        LOG.info("committed {} partitions; {} records unfinished left to the next owner", committed, left);
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
            long until = stop.asked() ? Math.min(untilNanos, stop.drainDeadline()) : untilNanos;
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
}
