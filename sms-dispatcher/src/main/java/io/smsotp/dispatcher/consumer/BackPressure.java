package io.smsotp.dispatcher.consumer;

import java.util.Collection;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker to {@code maxPending} records held: pauses its partitions before a poll could
 * take it past that (one poll brings up to {@code max.poll.records}) and resumes them once there
 * is room. The consumer is still polled meanwhile, which keeps the group membership alive. Loop
 * thread only.
 */
final class BackPressure {

    private static final Logger LOG = LoggerFactory.getLogger(BackPressure.class);

    private final Consumer<?, ?> consumer;
    private final int maxPending;
    private final int maxPollRecords;
    private boolean paused;

    BackPressure(Consumer<?, ?> consumer, int maxPending, int maxPollRecords) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.maxPending = maxPending;
        this.maxPollRecords = maxPollRecords;
    }

    /** Whether a poll could take a worker holding {@code held} records past {@code maxPending}. */
    static boolean full(int held, int maxPollRecords, int maxPending) {
        return held + maxPollRecords > maxPending;
    }

    /** Pauses or resumes the assigned partitions for {@code held} records held now. */
    void apply(int held) {
        boolean full = full(held, maxPollRecords, maxPending);
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
            LOG.debug("holding {} records: pausing {}", held, consumer.assignment());
        } else if (!full && paused) {
            consumer.resume(consumer.assignment());
            paused = false;
            LOG.debug("holding {} records: resuming", held);
        }
    }

    /** Newly assigned partitions start paused while the rest are. */
    void assigned(Collection<TopicPartition> assigned) {
        if (paused) {
            consumer.pause(assigned);
        }
    }

    boolean paused() {
        return paused;
    }
}
