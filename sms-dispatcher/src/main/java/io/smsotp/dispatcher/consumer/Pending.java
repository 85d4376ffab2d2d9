package io.smsotp.dispatcher.consumer;

import io.smsotp.dispatcher.provider.Sending;
import java.util.concurrent.CompletableFuture;

/**
 * One record a worker is working on: its delivery (null for a record that is only dead-lettered)
 * and a future that completes once the record is settled: its reports acknowledged
 * ({@code true}, finished) or given up because the partition left this worker ({@code false}).
 */
final class Pending {

    final PartitionOffsets partition;
    final long offset;
    private volatile Sending sending;
    private volatile boolean abandoned;
    final CompletableFuture<Boolean> settled = new CompletableFuture<>();

    Pending(PartitionOffsets partition, long offset) {
        this.partition = partition;
        this.offset = offset;
    }

    void delivering(Sending s) {
        this.sending = s;
        if (abandoned) {
            s.abandon();
        }
    }

    /** The partition left this worker: stop what waits, let an open call end (and report it if it sent). */
    void abandon() {
        abandoned = true;
        Sending s = sending;
        if (s != null) {
            s.abandon();
        }
    }

    boolean abandoned() {
        return abandoned;
    }
}
