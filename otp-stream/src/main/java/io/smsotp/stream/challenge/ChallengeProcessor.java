package io.smsotp.stream.challenge;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsStatus;
import io.smsotp.logging.ChallengeMdc;
import io.smsotp.stream.OtpStreamConfig;
import io.smsotp.stream.code.CodeGenerator;
import io.smsotp.stream.code.CodeHasher;
import io.smsotp.stream.expiry.ExpiryIndex;
import io.smsotp.stream.limit.LimitKeys;
import io.smsotp.stream.limit.SendCounts;
import io.smsotp.stream.limit.SendLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of challenge state, as wiring: it reads commands ({@link OtpCommand}) and
 * delivery reports ({@link SmsStatus}), looks the challenge up, lets {@link ChallengeRules} decide,
 * and applies the {@link Outcome}: the store, the expiry index, the send counts, the events, the
 * sealed SMS. Every record of one challenge arrives on one partition of co-partitioned topics, so
 * this processor sees them one at a time, in order: that alone makes "valid for exactly one
 * verify" hold across auth-service instances, and exactly_once_v2 keeps it across restarts.
 *
 * <p>A challenge's id places it on its recipient number's partition
 * ({@link io.smsotp.events.ChallengePlacement}), so the send limits are counted here, in the same
 * step as the create or resend they gate.
 */
public final class ChallengeProcessor implements Processor<String, Object, String, Object> {

    /** Sink node names: each output goes to exactly one child. */
    public static final String EVENTS_SINK = "EventsSink";
    public static final String SMS_OUTBOUND_SINK = "SmsOutboundSink";

    /** A finished challenge stays readable this long after its expiry, then both stores forget it. */
    public static final Duration RETENTION = ChallengeRules.RETENTION;
    /** Bounds one sweep's work; whatever is left is due at the next sweep, moments later. */
    static final int MAX_PER_SWEEP = 10_000;
    /** A stable reason for a command the writer cannot act on (a contract breach by the sender). */
    public static final String INVALID = "invalid";

    private static final Logger LOG = LoggerFactory.getLogger(ChallengeProcessor.class);

    private final byte[] hmacKey;
    private final Duration sweepInterval;
    private final SmsCipher cipher;
    private final CodeCipher codeCipher;
    private final ChallengeMetrics metrics;
    private final Supplier<RateLimitSettings> rateLimits;
    private final IntSupplier partitions;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ChallengeRecord> challenges;
    private ExpiryIndex expiryIndex;
    private SendCounts sendCounts;
    private ChallengeRules rules;
    private int commandPartitions;

    private ChallengeProcessor(byte[] hmacKey, SmsCipher cipher, CodeCipher codeCipher, OtpStreamConfig config,
                               ChallengeMetrics metrics, Supplier<RateLimitSettings> rateLimits,
                               IntSupplier partitions) {
        this.hmacKey = hmacKey;
        this.cipher = cipher;
        this.codeCipher = codeCipher;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
        this.partitions = partitions;
        this.sweepInterval = config.stream().expirySweepInterval();
    }

    /**
     * The supplier of otp-stream's part of the configuration, which also declares the stores so the
     * topology connects them by itself.
     *
     * @param rateLimits the send limits now, read at each send (the live configuration)
     * @param partitions the partition count of {@code otp.commands}, read when a task starts
     */
    public static ProcessorSupplier<String, Object, String, Object> supplier(
            OtpStreamConfig config, ChallengeMetrics metrics, Supplier<RateLimitSettings> rateLimits,
            IntSupplier partitions) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(partitions, "partitions");
        byte[] key = config.stream().codeHmacKeyBytes();
        SmsCipher cipher = config.smsCipher();
        CodeCipher codeCipher = config.codeCipher();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Object, String, Object> get() {
                return new ChallengeProcessor(key, cipher, codeCipher, config, metrics, rateLimits, partitions);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                Set<StoreBuilder<?>> stores = new HashSet<>(SendCounts.storeBuilders());
                stores.add(ChallengeStore.storeBuilder());
                stores.add(ExpiryIndex.storeBuilder());
                return stores;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.challenges = context.getStateStore(ChallengeStore.NAME);
        this.expiryIndex = new ExpiryIndex(context.getStateStore(ExpiryIndex.STORE));
        this.sendCounts = new SendCounts(context.getStateStore(SendCounts.STORE),
                new ExpiryIndex(context.getStateStore(SendCounts.EXPIRY_STORE)));
        this.rules = new ChallengeRules(new CodeGenerator(), new CodeHasher(hmacKey),
                new SendLimits(rateLimits, new LimitKeys(hmacKey)));
        this.commandPartitions = partitions.getAsInt();
        rebuildIndexes(context);
        // Wall-clock time, not stream time: stream time moves only when records arrive, and a
        // challenge must expire (and its outcome be announced) while no one sends anything.
        // Correctness does not rest on the sweep: every verify and status read checks the
        // lifetime against the wall clock itself; the sweep announces expiries and frees space.
        context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    /**
     * The two indexes have no changelog: Kafka Streams calls {@code init} once it has restored the
     * task's stores, so they are indexed again from those here, before the first record or sweep.
     */
    private void rebuildIndexes(ProcessorContext<String, Object> context) {
        long start = System.nanoTime();
        int challengesIndexed = expiryIndex.rebuild(challenges, ChallengeRules::sweepDue);
        int keysIndexed = sendCounts.rebuildIndex();
        LOG.info("task {}: indexed {} stored challenges and {} send-limit keys for the sweep in {} ms",
                context.taskId(), challengesIndexed, keysIndexed, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        if (value instanceof OtpCommand command) {
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(command.challengeId())) {
                handle(record.key(), command);
            }
        } else if (value instanceof SmsStatus report) {
            String id = report.challengeId() != null ? report.challengeId() : record.key();
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(id)) {
                ChallengeRecord stored = id == null ? null : challenges.get(id);
                Outcome outcome = ChallengeRules.deliveryReport(report, stored, now());
                if (outcome == null) {
                    LOG.debug("ignored a delivery report that changes nothing for challenge {}", id);
                } else {
                    apply(stored, outcome, now());
                }
            }
        } else {
            // a tombstone or something no source here makes: nothing to decide
            LOG.debug("ignored a record without a value for key {}", record.key());
        }
    }

    private void handle(String key, OtpCommand command) {
        Instant now = now();
        String problem = CommandCheck.problemWith(key, command, commandPartitions);
        if (problem != null) {
            LOG.warn("rejected a {} for challenge {}: {}", command.getClass().getSimpleName(), command.challengeId(),
                    problem);
            apply(null, ChallengeRules.rejected(command, INVALID, problem), now);
            return;
        }
        ChallengeRecord stored = challenges.get(command.challengeId());
        Outcome outcome;
        if (command instanceof OtpCommand.CreateChallenge create) {
            outcome = rules.create(create, stored, sendCounts::get, now);
        } else if (command instanceof OtpCommand.VerifyCode verify) {
            outcome = verify(verify, stored, now);
        } else if (command instanceof OtpCommand.GetStatus status) {
            outcome = rules.status(status, stored, now);
        } else if (command instanceof OtpCommand.ResendCode resend) {
            outcome = rules.resend(resend, stored, sendCounts::get, now);
        } else if (command instanceof OtpCommand.CancelChallenge cancel) {
            outcome = rules.cancel(cancel, stored, now);
        } else if (command instanceof OtpCommand.SendNotice notice) {
            outcome = ChallengeRules.notice(notice, now);
        } else {
            return;
        }
        apply(stored, outcome, now);
    }

    private Outcome verify(OtpCommand.VerifyCode cmd, ChallengeRecord stored, Instant now) {
        String code;
        try {
            code = codeCipher.open(cmd);
        } catch (IllegalArgumentException e) {
            // not typed for this challenge under our key (a replay, a change, a key mismatch, or
            // plaintext): bad input, so it costs no attempt and changes nothing. The message never
            // holds the code.
            LOG.warn("rejected a VerifyCode for challenge {}: {}", cmd.challengeId(), e.getMessage());
            return ChallengeRules.rejected(cmd, INVALID, e.getMessage());
        }
        return rules.verify(cmd, code, stored, now);
    }

    /** Applies an outcome: state first, then what leaves the task (all in the task's one transaction). */
    private void apply(ChallengeRecord stored, Outcome outcome, Instant now) {
        long millis = now.toEpochMilli();
        if (outcome.counted() != null) {
            sendCounts.count(outcome.counted(), millis);
        }
        ChallengeRecord saved = outcome.saved();
        if (saved != null) {
            challenges.put(saved.id(), saved);
            if (stored == null) {
                expiryIndex.add(saved.expiresAt(), saved.id());
            }
        }
        for (OtpEvent event : outcome.events()) {
            emit(event, millis);
        }
        if (outcome.sms() != null) {
            // the code lives only in the text, sealed (AES-GCM, bound to the message and challenge
            // ids): only the dispatcher, holding the same key, reads it
            context.forward(new Record<>(outcome.sms().challengeId(), cipher.seal(outcome.sms()), millis),
                    SMS_OUTBOUND_SINK);
        }
    }

    /**
     * Walks the index from 0 to now: expires what is still pending, then, one retention later,
     * deletes the challenge and its entry; and forgets send windows that have emptied. Touches
     * only entries that are due.
     */
    private void sweep(long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        for (ExpiryIndex.Entry entry : expiryIndex.due(nowMillis, MAX_PER_SWEEP)) {
            expiryIndex.remove(entry);
            ChallengeRecord stored = challenges.get(entry.id());
            if (stored == null) {
                continue;
            }
            ChallengeRules.SweepStep step = ChallengeRules.sweep(stored, now);
            if (step.purge()) {
                challenges.delete(stored.id());
            } else if (step.saved() != null) {
                challenges.put(stored.id(), step.saved());
            }
            if (step.nextDue() != null) {
                expiryIndex.add(step.nextDue(), stored.id());
            }
            if (step.expired() != null) {
                emit(step.expired(), nowMillis);
            }
        }
        sendCounts.sweep(nowMillis, MAX_PER_SWEEP);
    }

    private void emit(OtpEvent event, long millis) {
        context.forward(new Record<>(event.challengeId(), event, millis), EVENTS_SINK);
        metrics.onEmitted(event);
    }

    /** Wall-clock time as Streams sees it, which TopologyTestDriver can advance in tests. */
    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
