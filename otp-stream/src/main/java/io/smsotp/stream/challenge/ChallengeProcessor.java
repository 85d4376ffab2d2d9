package io.smsotp.stream.challenge;

import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.stream.OtpStreamConfig;
import java.util.function.Supplier;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsCipher;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.logging.ChallengeMdc;
import io.smsotp.stream.code.CodeGenerator;
import io.smsotp.stream.code.CodeHasher;
import io.smsotp.stream.expiry.ExpiryIndex;
import io.smsotp.stream.limit.LimitGrant;
import io.smsotp.stream.limit.LimitKeys;
import io.smsotp.stream.limit.LimitMessage;
import io.smsotp.stream.limit.SendDecision;
import io.smsotp.stream.limit.SendLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
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
 * The single writer of challenge state. Commands ({@link OtpCommand}), delivery reports
 * ({@link SmsStatus}) and send decisions ({@link SendDecision}) for one challenge arrive on one
 * partition of co-partitioned topics, so this processor sees them one at a time, in order: that
 * alone makes "valid for exactly one verify" hold across auth-service instances, and
 * exactly_once_v2 keeps it across restarts.
 *
 * <p>A create or a resend does not send at once: it asks the send limits first (a
 * {@link LimitMessage.PermitRequest} to {@link io.smsotp.stream.limit.SendLimiter}, keyed by the
 * recipient), and acts when their decision comes back here, checking the challenge again then.
 */
public final class ChallengeProcessor implements Processor<String, Object, String, Object> {

    /** Sink node names: each output goes to exactly one child. */
    public static final String EVENTS_SINK = "EventsSink";
    public static final String SMS_OUTBOUND_SINK = "SmsOutboundSink";
    public static final String PERMITS_SINK = "ChallengePermitsSink";

    /** A finished challenge stays readable this long after its expiry, then both stores forget it. */
    public static final Duration RETENTION = Duration.ofHours(1);
    /** Bounds one sweep's work; whatever is left is due at the next sweep, moments later. */
    static final int MAX_PER_SWEEP = 10_000;
    /** A stable reason for a command the writer cannot act on (a contract breach by the sender). */
    public static final String INVALID = "invalid";

    private static final Logger LOG = LoggerFactory.getLogger(ChallengeProcessor.class);
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private final byte[] hmacKey;
    private final Duration sweepInterval;
    private final SmsCipher cipher;
    private final CodeCipher codeCipher;
    private final OtpStreamConfig config;
    private final CodeGenerator codes = new CodeGenerator();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ChallengeRecord> challenges;
    private ExpiryIndex expiryIndex;
    private CodeHasher hasher;
    private SendLimits limits;

    private final ChallengeMetrics metrics;
    private final Supplier<RateLimitSettings> rateLimits;

    private ChallengeProcessor(byte[] hmacKey, SmsCipher cipher, CodeCipher codeCipher, OtpStreamConfig config,
                               ChallengeMetrics metrics, Supplier<RateLimitSettings> rateLimits) {
        this.metrics = metrics;
        this.rateLimits = rateLimits;
        this.hmacKey = hmacKey;
        this.cipher = cipher;
        this.codeCipher = codeCipher;
        this.config = config;
        this.sweepInterval = config.stream().expirySweepInterval();
    }

    /**
     * The supplier that also declares the two stores, so the topology connects them by itself.
     *
     * @throws IllegalArgumentException without {@code stream.codeHmacKey}, {@code smsEncryptionKey} or
     *     {@code codeEncryptionKey}
     */
    public static ProcessorSupplier<String, Object, String, Object> supplier(SmsOtpConfig config) {
        return supplier(config, ChallengeMetrics.unread());
    }

    /** The supplier, counting the challenges' outcomes into {@code metrics}. */
    public static ProcessorSupplier<String, Object, String, Object> supplier(SmsOtpConfig config,
                                                                             ChallengeMetrics metrics) {
        return supplier(config, metrics, config::rateLimits);
    }

    /** The supplier, with the send limits read from {@code rateLimits} at each send (the live configuration). */
    public static ProcessorSupplier<String, Object, String, Object> supplier(
            SmsOtpConfig config, ChallengeMetrics metrics, Supplier<RateLimitSettings> rateLimits) {
        return supplier(OtpStreamConfig.of(config), metrics, rateLimits);
    }

    /** The supplier of otp-stream's part of the configuration, the send limits read from {@code rateLimits}. */
    public static ProcessorSupplier<String, Object, String, Object> supplier(
            OtpStreamConfig config, ChallengeMetrics metrics, Supplier<RateLimitSettings> rateLimits) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(rateLimits, "rateLimits");
        byte[] key = config.stream().codeHmacKeyBytes();
        SmsCipher cipher = config.smsCipher();
        CodeCipher codeCipher = config.codeCipher();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Object, String, Object> get() {
                return new ChallengeProcessor(key, cipher, codeCipher, config, metrics, rateLimits);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(ChallengeStore.storeBuilder(), ExpiryIndex.storeBuilder());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.challenges = context.getStateStore(ChallengeStore.NAME);
        this.expiryIndex = new ExpiryIndex(context.getStateStore(ExpiryIndex.STORE));
        this.hasher = new CodeHasher(hmacKey);
        this.limits = new SendLimits(rateLimits, new LimitKeys(hmacKey));
        // Wall-clock time, not stream time: stream time moves only when records arrive, and a
        // challenge must expire (and its outcome be announced) while no one sends anything.
        // Correctness does not rest on the sweep: every verify and status read checks the
        // lifetime against the wall clock itself; the sweep announces expiries and frees space.
        context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        try (ChallengeMdc.Scope ignored = ChallengeMdc.put(challengeIdOf(record.key(), value))) {
            if (value instanceof OtpCommand command) {
                handle(record, command);
            } else if (value instanceof SmsStatus status) {
                onDeliveryReport(record.key(), status);
            } else if (value instanceof SendDecision decision) {
                onDecision(decision);
            } else {
                // a tombstone or something no source here makes: nothing to decide
                LOG.debug("ignored a record without a value for key {}", record.key());
            }
        }
    }

    /** The challenge a record is about, for the log lines written while it is handled; null: none known. */
    private static String challengeIdOf(String key, Object value) {
        if (value instanceof OtpCommand command) {
            return command.challengeId();
        }
        if (value instanceof SmsStatus status) {
            return status.challengeId() != null ? status.challengeId() : key;
        }
        if (value instanceof SendDecision decision) {
            return decision.challengeId();
        }
        return null;
    }

    private void handle(Record<String, Object> record, OtpCommand command) {
        String problem = problemWith(record.key(), command);
        if (problem != null) {
            LOG.warn("rejected a {} for challenge {}: {}", command.getClass().getSimpleName(), command.challengeId(),
                    problem);
            reply(command, INVALID, problem);
            return;
        }
        Instant now = now();
        if (command instanceof OtpCommand.CreateChallenge create) {
            create(create, now);
        } else if (command instanceof OtpCommand.VerifyCode verify) {
            verify(verify, now);
        } else if (command instanceof OtpCommand.GetStatus status) {
            status(status, now);
        } else if (command instanceof OtpCommand.ResendCode resend) {
            resend(resend, now);
        } else if (command instanceof OtpCommand.CancelChallenge cancel) {
            cancel(cancel, now);
        } else if (command instanceof OtpCommand.SendNotice notice) {
            sendNotice(notice, now);
        }
    }

    /** Queues a notice's SMS, sealed like a code's (the dispatcher opens every text the same way). */
    private void sendNotice(OtpCommand.SendNotice cmd, Instant now) {
        SmsRequest sms = Notices.request(cmd, now);
        context.forward(new Record<>(cmd.challengeId(), cipher.seal(sms), now.toEpochMilli()), SMS_OUTBOUND_SINK);
        emit(new OtpEvent.NoticeQueued(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), sms.messageId()), now);
    }

    /** A create asks the send limits first; {@link #completeCreate} makes the challenge when they agree. */
    private void create(OtpCommand.CreateChallenge cmd, Instant now) {
        if (challenges.get(cmd.challengeId()) != null) {
            reply(cmd, OtpEvent.CommandRejected.DUPLICATE, "challenge " + cmd.challengeId() + " exists already");
            return;
        }
        OtpPolicy policy = policyOf(cmd);
        requestPermit(cmd, cmd.to(), policy.maxSendsPerMinute(), cmd.clientIp(), now);
    }

    private static OtpPolicy policyOf(OtpCommand.CreateChallenge cmd) {
        return cmd.policy() == null ? OtpPolicy.DEFAULT : cmd.policy();
    }

    /**
     * Every limit said yes. The id is checked again (a second create with the same id may have
     * passed its limits meanwhile); the lifetime starts now, when the code is made and sent.
     */
    private void completeCreate(OtpCommand.CreateChallenge cmd, List<LimitGrant> grants, Instant now) {
        if (challenges.get(cmd.challengeId()) != null) {
            release(grants, now);
            reply(cmd, OtpEvent.CommandRejected.DUPLICATE, "challenge " + cmd.challengeId() + " exists already");
            return;
        }
        OtpPolicy policy = policyOf(cmd);
        String appName = cmd.appName() == null || cmd.appName().isBlank() ? cmd.appId() : cmd.appName();
        String code = codes.next(policy.length(), policy.alphanumeric());
        Instant expiresAt = now.plus(policy.ttl());
        ChallengeRecord challenge = new ChallengeRecord(cmd.challengeId(), cmd.appId(), appName, cmd.to(),
                hasher.hash(cmd.challengeId(), code), now, expiresAt, policy.maxAttempts(), policy.maxAttempts(),
                ChallengeStatus.PENDING, Delivery.QUEUED, null, UUID.randomUUID().toString(), policy.length(),
                policy.maxResends(), now, policy.resendCooldown(), policy.alphanumeric(), policy.message(),
                policy.maxSendsPerMinute());
        challenges.put(challenge.id(), challenge);
        expiryIndex.add(expiresAt, challenge.id());
        emit(new OtpEvent.ChallengeCreated(challenge.id(), cmd.requestId(), cmd.replyTo(), challenge.view()), now);
        send(challenge, code, policy.ttl(), now);
        LOG.debug("created challenge {} for app {}", challenge.id(), challenge.appId());
    }

    /**
     * A new code for a pending challenge, at most {@code maxResends} times and not within the
     * cooldown of the last send (unless that send failed). The old code stops matching because
     * only the new code's hash is kept; a late delivery report on the old message is ignored
     * because the message id changes. Attempts and expiry stay as they are.
     */
    private void resend(OtpCommand.ResendCode cmd, Instant now) {
        ChallengeRecord challenge = findFor(cmd, now);
        if (challenge == null || refusedResend(cmd, challenge, now)) {
            return;
        }
        // the challenge's own checks passed; the send limits have the last word
        requestPermit(cmd, challenge.to(), challenge.maxSendsPerMinute(), cmd.clientIp(), now);
    }

    /** Answers the resend with its refusal and says true, or says false when the challenge allows it. */
    private boolean refusedResend(OtpCommand.ResendCode cmd, ChallengeRecord challenge, Instant now) {
        String refusal = resendRefusal(challenge, now);
        if (refusal == null) {
            return false;
        }
        emit(new OtpEvent.CodeResent(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), false, refusal,
                challenge.view()), now);
        LOG.debug("refused a resend on challenge {}: {}", challenge.id(), refusal);
        return true;
    }

    /**
     * Every limit said yes. The challenge may have changed while the permit travelled (approved,
     * expired, canceled, or another resend went first): it is checked again, and a resend it no
     * longer allows is answered as such, sends nothing, and gives back what the limits counted.
     */
    private void completeResend(OtpCommand.ResendCode cmd, List<LimitGrant> grants, Instant now) {
        ChallengeRecord challenge = findFor(cmd, now);
        if (challenge == null || refusedResend(cmd, challenge, now)) {
            release(grants, now);
            return;
        }
        String code = codes.next(challenge.codeLength(), challenge.alphanumeric());
        ChallengeRecord resent = challenge.withNewCode(hasher.hash(challenge.id(), code),
                UUID.randomUUID().toString(), now);
        challenges.put(resent.id(), resent);
        emit(new OtpEvent.CodeResent(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), true, null, resent.view()),
                now);
        // the text tells the time that is actually left: the lifetime did not restart
        send(resent, code, Duration.between(now, resent.expiresAt()), now);
        LOG.debug("resent a code for challenge {}, {} resends left", resent.id(), resent.resendsLeft());
    }

    private static String resendRefusal(ChallengeRecord challenge, Instant now) {
        if (challenge.status() != ChallengeStatus.PENDING) {
            return OtpEvent.CodeResent.NOT_PENDING;
        }
        if (challenge.resendsLeft() <= 0) {
            return OtpEvent.CodeResent.LIMIT;
        }
        if (now.isBefore(challenge.resendAvailableAt())) {
            return OtpEvent.CodeResent.COOLDOWN;
        }
        return null;
    }

    /**
     * Ends a pending challenge. Idempotent: a challenge that is no longer pending is answered with
     * its state unchanged, so the caller tells "canceled now or before" from "approved" or "expired".
     * Its index entry stays; the sweep purges it one retention after its expiry, like any other.
     */
    private void cancel(OtpCommand.CancelChallenge cmd, Instant now) {
        ChallengeRecord challenge = findFor(cmd, now);
        if (challenge == null) {
            return;
        }
        if (challenge.status() == ChallengeStatus.PENDING) {
            challenge = challenge.withStatus(ChallengeStatus.CANCELED);
            challenges.put(challenge.id(), challenge);
            LOG.debug("canceled challenge {}", challenge.id());
        }
        emit(new OtpEvent.ChallengeState(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), challenge.view()), now);
    }

    /**
     * Forwards the send request of the challenge's current message. The code lives only in its
     * text, which is sealed (AES-GCM, bound to the message and challenge ids): only the dispatcher,
     * holding the same key, reads it; sms.outbound holds no code in plaintext.
     */
    private void send(ChallengeRecord challenge, String code, Duration lifetime, Instant now) {
        SmsRequest sms = new SmsRequest(challenge.messageId(), challenge.id(), challenge.appId(), challenge.to(),
                SmsText.of(challenge.message(), code, challenge.appName(), lifetime), challenge.expiresAt());
        context.forward(new Record<>(challenge.id(), cipher.seal(sms), now.toEpochMilli()), SMS_OUTBOUND_SINK);
    }

    /** Sends the permit request to its first limit, keyed by that limit's key (the recipient's, first). */
    private void requestPermit(OtpCommand cmd, String to, Integer appMaxPerMinute, String clientIp, Instant now) {
        var hops = limits.hopsFor(to, cmd.appId(), appMaxPerMinute, clientIp);
        var request = new LimitMessage.PermitRequest(cmd.challengeId(), cmd, hops, List.of());
        context.forward(new Record<>(hops.get(0).key(), request, now.toEpochMilli()), PERMITS_SINK);
    }

    /** The limits' answer: refused, it is the requester's answer; granted, the command goes on. */
    private void onDecision(SendDecision decision) {
        Instant now = now();
        OtpCommand cmd = decision.command();
        if (!(cmd instanceof OtpCommand.CreateChallenge) && !(cmd instanceof OtpCommand.ResendCode)) {
            // only a create or a resend asks for a permit: nothing to answer, only counts to give back
            release(decision.grants(), now);
            LOG.warn("ignored a send decision without a create or resend for challenge {}", decision.challengeId());
            return;
        }
        if (!decision.granted()) {
            // the limits passed before the one that refused counted a send that will not happen
            release(decision.grants(), now);
            emit(new OtpEvent.SendRateLimited(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), decision.refusedBy(),
                    decision.retryAt()), now);
            LOG.debug("send for challenge {} refused by the {} limit", cmd.challengeId(), decision.refusedBy());
        } else if (cmd instanceof OtpCommand.CreateChallenge create) {
            completeCreate(create, decision.grants(), now);
        } else if (cmd instanceof OtpCommand.ResendCode resend) {
            completeResend(resend, decision.grants(), now);
        }
    }

    /** Un-counts sends the limits counted for a send that did not happen; each goes to its key's limiter. */
    private void release(List<LimitGrant> grants, Instant now) {
        for (LimitGrant grant : grants) {
            context.forward(new Record<>(grant.key(), new LimitMessage.Release(grant.key(), grant.at()),
                    now.toEpochMilli()), PERMITS_SINK);
        }
    }

    private void verify(OtpCommand.VerifyCode cmd, Instant now) {
        String code;
        try {
            code = codeCipher.open(cmd);
        } catch (IllegalArgumentException e) {
            // not typed for this challenge under our key (a replay, a change, a key mismatch, or
            // plaintext): bad input, so it costs no attempt and changes nothing. The message never
            // holds the code.
            LOG.warn("rejected a VerifyCode for challenge {}: {}", cmd.challengeId(), e.getMessage());
            reply(cmd, INVALID, e.getMessage());
            return;
        }
        ChallengeRecord challenge = findFor(cmd, now);
        if (challenge == null) {
            return;
        }
        if (challenge.status() != ChallengeStatus.PENDING) {
            // approved, expired, canceled or out of attempts: no code can change that
            emit(new OtpEvent.CodeChecked(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), false, false,
                    challenge.view()), now);
            return;
        }
        boolean valid = hasher.matches(challenge.id(), typed(challenge, code), challenge.codeHash());
        ChallengeRecord after = valid ? challenge.withStatus(ChallengeStatus.APPROVED) : challenge.withWrongAttempt();
        challenges.put(after.id(), after);
        emit(new OtpEvent.CodeChecked(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), valid, !valid, after.view()),
                now);
        LOG.debug("verify on challenge {}: {}", after.id(), after.status());
    }

    /**
     * An alphanumeric code as the user may type it: its alphabet is upper-case only, so "k7m2" is
     * "K7M2". No entropy is lost (there are no lower-case symbols) and phone keyboards are forgiven.
     */
    private static String typed(ChallengeRecord challenge, String code) {
        return challenge.alphanumeric() && code != null ? code.trim().toUpperCase(Locale.ROOT) : code;
    }

    private void status(OtpCommand.GetStatus cmd, Instant now) {
        ChallengeRecord challenge = findFor(cmd, now);
        if (challenge != null) {
            emit(new OtpEvent.ChallengeState(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), challenge.view()), now);
        }
    }

    /**
     * The command's challenge as of now, with its lifetime enforced; or null after answering
     * not_found. Another application's challenge is not found either: ids do not leak across apps.
     */
    private ChallengeRecord findFor(OtpCommand cmd, Instant now) {
        ChallengeRecord challenge = challenges.get(cmd.challengeId());
        if (challenge == null || !challenge.appId().equals(cmd.appId())) {
            reply(cmd, OtpEvent.CommandRejected.NOT_FOUND, "no challenge " + cmd.challengeId());
            return null;
        }
        return challenge.dueToExpire(now) ? expire(challenge, now) : challenge;
    }

    /** Marks a pending challenge expired and announces it; the sweep and lazy checks both land here, once. */
    private ChallengeRecord expire(ChallengeRecord challenge, Instant now) {
        ChallengeRecord expired = challenge.withStatus(ChallengeStatus.EXPIRED);
        challenges.put(expired.id(), expired);
        emit(new OtpEvent.ChallengeExpired(expired.id(), null, null, expired.view()), now);
        return expired;
    }

    private void onDeliveryReport(String key, SmsStatus report) {
        String id = report.challengeId() != null ? report.challengeId() : key;
        ChallengeRecord challenge = id == null ? null : challenges.get(id);
        if (challenge == null || report.delivery() == null) {
            // purged, never made, or a report of nothing: there is no state to change
            LOG.debug("ignored a delivery report for unknown challenge {}", id);
            return;
        }
        if (!Objects.equals(challenge.messageId(), report.messageId())) {
            // a late report on an older send must not overwrite the current one's state
            LOG.debug("ignored a delivery report for an old message of challenge {}", id);
            return;
        }
        ChallengeRecord updated = challenge.withDelivery(report.delivery(), report.reason());
        challenges.put(updated.id(), updated);
        emit(new OtpEvent.DeliveryUpdated(updated.id(), null, null, updated.view()), now());
    }

    /**
     * Walks the index from 0 to now: expires what is still pending, then, one retention later,
     * deletes the challenge and its entry. Touches only entries that are due.
     */
    private void sweep(long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        for (ExpiryIndex.Entry entry : expiryIndex.due(nowMillis, MAX_PER_SWEEP)) {
            expiryIndex.remove(entry);
            ChallengeRecord challenge = challenges.get(entry.id());
            if (challenge == null) {
                continue;
            }
            if (challenge.status() == ChallengeStatus.PENDING) {
                if (!challenge.dueToExpire(now)) {
                    // its lifetime ends later than this entry said: come back then
                    expiryIndex.add(challenge.expiresAt(), challenge.id());
                    continue;
                }
                challenge = expire(challenge, now);
            }
            Instant purgeAt = challenge.expiresAt().plus(RETENTION);
            if (now.isBefore(purgeAt)) {
                expiryIndex.add(purgeAt, challenge.id());
            } else {
                challenges.delete(challenge.id());
            }
        }
    }

    /** What makes a command impossible to act on, or null. Checked before any state changes. */
    private static String problemWith(String key, OtpCommand command) {
        if (command.challengeId() == null || command.challengeId().isBlank()) {
            return "challengeId is required";
        }
        if (!command.challengeId().equals(key)) {
            // keyed otherwise, it may sit on another partition than the challenge's other commands
            return "the record key must be the challengeId";
        }
        if (command.appId() == null || command.appId().isBlank()) {
            return "appId is required";
        }
        if (command instanceof OtpCommand.CreateChallenge create
                && (create.to() == null || !E164.matcher(create.to()).matches())) {
            return "to must be a number in E.164";
        }
        if (command instanceof OtpCommand.SendNotice notice) {
            return Notices.problemWith(notice);
        }
        return null;
    }

    private void reply(OtpCommand cmd, String reason, String message) {
        emit(new OtpEvent.CommandRejected(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), reason, message), now());
    }

    private void emit(OtpEvent event, Instant now) {
        context.forward(new Record<>(event.challengeId(), event, now.toEpochMilli()), EVENTS_SINK);
        metrics.onEmitted(event);
    }

    /** Wall-clock time as Streams sees it, which TopologyTestDriver can advance in tests. */
    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
