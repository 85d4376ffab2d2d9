package io.smsotp.stream.limit;

import io.smsotp.events.JsonSerde;
import io.smsotp.logging.ChallengeMdc;
import io.smsotp.stream.expiry.ExpiryIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts sends where all sends under one limit key meet: {@link LimitTopics#SEND_PERMITS} is
 * keyed by limit key, so one task sees every permit request for a number (or app, or IP), one
 * at a time. For the request's first hop it checks the key's sliding window: a refusal goes to
 * {@link LimitTopics#SEND_DECISIONS} at once; a yes is counted (reserved) and the request moves
 * on, re-keyed, to its next hop, or, after the last, to the decisions as granted.
 *
 * <p>Wall-clock time, like the challenges: a limit is about real time, and stream time would
 * stand still on a quiet partition. A punctuator forgets keys whose window has emptied, found
 * through a time-ordered index, so the store holds only keys with sends in their window.
 */
public final class SendLimiter implements Processor<String, LimitMessage, String, Object> {

    /** The windows, limit key → {@link SendWindow}; changelog {@code <application.id>-send-limits-changelog}. */
    public static final String STORE = "send-limits";
    /** When each key's oldest send leaves its window; changelog {@code <application.id>-send-limit-expiry-changelog}. */
    public static final String EXPIRY_STORE = "send-limit-expiry";
    /** Sink names: a re-keyed request goes to the next hop, a decision to the challenge's writer. */
    public static final String PERMITS_SINK = "LimiterPermitsSink";
    public static final String DECISIONS_SINK = "LimiterDecisionsSink";
    static final int MAX_PER_SWEEP = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SendLimiter.class);

    private final Duration sweepInterval;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, SendWindow> windows;
    private ExpiryIndex expiry;

    private SendLimiter(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }

    /** The supplier that declares both stores. */
    public static ProcessorSupplier<String, LimitMessage, String, Object> supplier(Duration sweepInterval) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, LimitMessage, String, Object> get() {
                return new SendLimiter(sweepInterval);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                        JsonSerde.serdeFor(SendWindow.class)), ExpiryIndex.storeBuilder(EXPIRY_STORE));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.windows = context.getStateStore(STORE);
        this.expiry = new ExpiryIndex(context.getStateStore(EXPIRY_STORE));
        context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, LimitMessage> record) {
        if (record.value() instanceof LimitMessage.PermitRequest request) {
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(request.challengeId())) {
                permit(request);
            }
        } else if (record.value() instanceof LimitMessage.Release release) {
            release(release);
        }
    }

    private void permit(LimitMessage.PermitRequest request) {
        long now = context.currentSystemTimeMs();
        if (request.hops().isEmpty()) {
            // nothing left to check (a sender that asked for no limit): granted as it stands
            decide(request, null, null, now);
            return;
        }
        LimitHop hop = request.hops().get(0);
        long window = hop.window().toMillis();
        SendWindow stored = windows.get(hop.key());
        SendWindow current = (stored == null ? SendWindow.empty(window) : stored).at(now, window);
        Long retryAt = current.retryAt(hop.max());
        if (retryAt != null) {
            if (!current.equals(stored)) {
                windows.put(hop.key(), current);
            }
            LOG.debug("send for challenge {} refused by {}", request.challengeId(), hop.limit());
            decide(request, hop.limit(), Instant.ofEpochMilli(retryAt), now);
            return;
        }
        windows.put(hop.key(), current.plus(now));
        expiry.add(Instant.ofEpochMilli(now + window), hop.key());
        List<LimitGrant> grants = new ArrayList<>(request.grants());
        grants.add(new LimitGrant(hop.limit(), hop.key(), Instant.ofEpochMilli(now)));
        List<LimitHop> rest = request.hops().subList(1, request.hops().size());
        LimitMessage.PermitRequest next = new LimitMessage.PermitRequest(request.challengeId(), request.command(),
                rest, grants);
        if (rest.isEmpty()) {
            decide(next, null, null, now);
        } else {
            context.forward(new Record<>(rest.get(0).key(), next, now), PERMITS_SINK);
        }
    }

    private void decide(LimitMessage.PermitRequest request, String refusedBy, Instant retryAt, long now) {
        SendDecision decision = new SendDecision(request.challengeId(), request.command(), request.grants(),
                refusedBy, retryAt);
        context.forward(new Record<>(request.challengeId(), decision, now), DECISIONS_SINK);
    }

    /** A counted send that did not happen after all: it stops counting at once. */
    private void release(LimitMessage.Release release) {
        SendWindow stored = windows.get(release.key());
        if (stored == null) {
            return;
        }
        SendWindow after = stored.minus(release.at().toEpochMilli());
        if (after.isEmpty()) {
            windows.delete(release.key());
        } else if (after != stored) {
            windows.put(release.key(), after);
        }
    }

    /** Forgets keys whose every send has left the window; touches only keys with a send due to leave. */
    private void sweep(long now) {
        for (ExpiryIndex.Entry entry : expiry.due(now, MAX_PER_SWEEP)) {
            expiry.remove(entry);
            SendWindow stored = windows.get(entry.id());
            if (stored == null) {
                continue;
            }
            SendWindow current = stored.at(now, stored.windowMillis());
            if (current.isEmpty()) {
                windows.delete(entry.id());
            } else {
                if (!current.equals(stored)) {
                    windows.put(entry.id(), current);
                }
                // the last send has an entry of its own at this same time (the index key is
                // time + id, so this adds nothing then); it matters only if the window changed
                long last = current.slots().get(current.slots().size() - 1).last();
                expiry.add(Instant.ofEpochMilli(last + current.windowMillis()), entry.id());
            }
        }
    }
}
