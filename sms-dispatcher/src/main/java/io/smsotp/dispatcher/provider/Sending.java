package io.smsotp.dispatcher.provider;

import io.smsotp.events.SmsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One send request on its way through the providers. Its steps (a try, a wait, the next provider)
 * run one after the other on the sender's threads; the worker loop only reads {@link #outcome()}
 * and may {@link #abandon()} it.
 */
public final class Sending {

    final SmsRequest request;
    /** The providers as they were when this request came: a change of providers applies to the next request. */
    final List<Lane> lanes;
    private final CompletableFuture<DeliveryOutcome> outcome = new CompletableFuture<>();
    private final List<Attempt> attempts = new ArrayList<>();
    /** Index of the provider being tried, and the tries of it so far. Touched by one step at a time. */
    int lane;
    int tries;
    /** A provider was called in this pass over the providers (not every one skipped for an open circuit). */
    boolean calledThisPass;
    /** A retry was given up because it would have come after the request's expiry. */
    boolean cutByDeadline;
    private boolean calling;
    private boolean abandoned;

    Sending(SmsRequest request, List<Lane> lanes) {
        this.request = request;
        this.lanes = lanes;
    }

    /**
     * Completes with the outcome once the request is sent, failed or dropped; completes
     * cancelled when it was abandoned before that. Never completes otherwise exceptionally.
     */
    public CompletableFuture<DeliveryOutcome> outcome() {
        return outcome;
    }

    /**
     * Stops this request: a wait (backoff, rate limit, free slot) ends at once, with nothing sent;
     * a provider call that is open runs to its end, and if that call sent the message the outcome is
     * still {@code SENT} (so that it is reported and not sent again by the next worker).
     */
    public void abandon() {
        synchronized (this) {
            abandoned = true;
            if (calling) {
                return;
            }
        }
        outcome.cancel(false);
    }

    /** True while a provider call for this request is open. */
    public synchronized boolean inCall() {
        return calling;
    }

    synchronized boolean startCall() {
        if (outcome.isDone()) {
            return false;
        }
        calling = true;
        return true;
    }

    /** @return whether the request was abandoned during the call */
    synchronized boolean endCall() {
        calling = false;
        return abandoned;
    }

    synchronized void add(Attempt attempt) {
        attempts.add(attempt);
    }

    synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    void nextLane() {
        lane++;
        tries = 0;
    }

    boolean done() {
        return outcome.isDone();
    }

    void complete(DeliveryOutcome result) {
        outcome.complete(result);
    }

    public String messageId() {
        return request.messageId();
    }
}
