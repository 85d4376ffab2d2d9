package io.smsotp.stream.challenge;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.stream.code.CodeGenerator;
import io.smsotp.stream.code.CodeHasher;
import io.smsotp.stream.limit.SendLimits;
import io.smsotp.stream.limit.SendVerdict;
import io.smsotp.stream.limit.SendWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * The rules of a challenge, as transitions: (stored state, input, now) → {@link Outcome}. Nothing
 * here reads a store, a clock or Kafka; the processor looks the challenge up, calls one method and
 * applies what it returns. Only the code and the message id are drawn at random.
 *
 * <p>Every transition that finds a challenge enforces its lifetime first: a pending challenge past
 * its expiry is expired (and that announced) before the input is judged, whether or not the sweep
 * came by. Another application's challenge is not found: ids do not leak across apps.
 */
public final class ChallengeRules {

    /** A finished challenge stays readable this long after its expiry, then it is forgotten. */
    public static final Duration RETENTION = Duration.ofHours(1);

    private final CodeGenerator codes;
    private final CodeHasher hasher;
    private final SendLimits limits;

    /** Not thread-safe (the hasher and the limit keys hold a {@code Mac}): one per processor. */
    public ChallengeRules(CodeGenerator codes, CodeHasher hasher, SendLimits limits) {
        this.codes = Objects.requireNonNull(codes, "codes");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * A new challenge with its first SMS, once the id is free and every send limit has room; the
     * lifetime starts now.
     *
     * @param windows a limit key's stored send window, or null
     */
    public Outcome create(OtpCommand.CreateChallenge cmd, ChallengeRecord stored,
                          Function<String, SendWindow> windows, Instant now) {
        if (stored != null) {
            return rejected(cmd, OtpEvent.CommandRejected.DUPLICATE, "challenge " + cmd.challengeId()
                    + " exists already");
        }
        OtpPolicy policy = cmd.policy() == null ? OtpPolicy.DEFAULT : cmd.policy();
        SendVerdict verdict = SendVerdict.decide(limits.checksFor(cmd.to(), cmd.appId(), policy.maxSendsPerMinute(),
                cmd.clientIp()), windows, now.toEpochMilli());
        if (!verdict.granted()) {
            return Outcome.answer(limited(cmd, verdict));
        }
        String appName = cmd.appName() == null || cmd.appName().isBlank() ? cmd.appId() : cmd.appName();
        String code = codes.next(policy.length(), policy.alphanumeric());
        ChallengeRecord challenge = new ChallengeRecord(cmd.challengeId(), cmd.appId(), appName, cmd.to(),
                hasher.hash(cmd.challengeId(), code), now, now.plus(policy.ttl()), policy.maxAttempts(),
                policy.maxAttempts(), ChallengeStatus.PENDING, Delivery.QUEUED, null, UUID.randomUUID().toString(),
                policy.length(), policy.maxResends(), now, policy.resendCooldown(), policy.alphanumeric(),
                policy.message(), policy.maxSendsPerMinute());
        return new Outcome(challenge, List.of(new OtpEvent.ChallengeCreated(challenge.id(), cmd.requestId(),
                cmd.replyTo(), challenge.view())), sms(challenge, code, policy.ttl()), verdict);
    }

    /**
     * A new code for a pending challenge, at most {@code maxResends} times, not within the cooldown
     * of the last send, and only if the send limits have room. The old code stops matching (only
     * the new code's hash is kept); a late delivery report on the old message is ignored (the
     * message id changes). Attempts and expiry stay as they are.
     */
    public Outcome resend(OtpCommand.ResendCode cmd, ChallengeRecord stored, Function<String, SendWindow> windows,
                          Instant now) {
        Found found = find(cmd, stored, now);
        if (found.challenge == null) {
            return found.done(null);
        }
        ChallengeRecord challenge = found.challenge;
        String refusal = resendRefusal(challenge, now);
        if (refusal != null) {
            return found.done(new OtpEvent.CodeResent(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), false,
                    refusal, challenge.view()));
        }
        SendVerdict verdict = SendVerdict.decide(limits.checksFor(challenge.to(), cmd.appId(),
                challenge.maxSendsPerMinute(), cmd.clientIp()), windows, now.toEpochMilli());
        if (!verdict.granted()) {
            return found.done(limited(cmd, verdict));
        }
        String code = codes.next(challenge.codeLength(), challenge.alphanumeric());
        ChallengeRecord resent = challenge.withNewCode(hasher.hash(challenge.id(), code),
                UUID.randomUUID().toString(), now);
        // the text tells the time that is actually left: the lifetime did not restart
        return new Outcome(resent, found.then(new OtpEvent.CodeResent(cmd.challengeId(), cmd.requestId(),
                cmd.replyTo(), true, null, resent.view())), sms(resent, code, Duration.between(now, resent.expiresAt())),
                verdict);
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
     * One check of a typed code: approves a pending challenge on a match, costs an attempt
     * otherwise. A challenge that is no longer pending (approved, expired, canceled or out of
     * attempts) answers invalid whatever the code, and does not change.
     *
     * @param code the code as typed, already opened from the command
     */
    public Outcome verify(OtpCommand.VerifyCode cmd, String code, ChallengeRecord stored, Instant now) {
        Found found = find(cmd, stored, now);
        if (found.challenge == null) {
            return found.done(null);
        }
        ChallengeRecord challenge = found.challenge;
        if (challenge.status() != ChallengeStatus.PENDING) {
            return found.done(new OtpEvent.CodeChecked(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), false,
                    false, challenge.view()));
        }
        boolean valid = hasher.matches(challenge.id(), typed(challenge, code), challenge.codeHash());
        ChallengeRecord after = valid ? challenge.withStatus(ChallengeStatus.APPROVED) : challenge.withWrongAttempt();
        return new Outcome(after, found.then(new OtpEvent.CodeChecked(cmd.challengeId(), cmd.requestId(),
                cmd.replyTo(), valid, !valid, after.view())), null, null);
    }

    /**
     * An alphanumeric code as the user may type it: its alphabet is upper-case only, so "k7m2" is
     * "K7M2". No entropy is lost (there are no lower-case symbols) and phone keyboards are forgiven.
     */
    private static String typed(ChallengeRecord challenge, String code) {
        return challenge.alphanumeric() && code != null ? code.trim().toUpperCase(Locale.ROOT) : code;
    }

    /** The challenge's state as of now. */
    public Outcome status(OtpCommand.GetStatus cmd, ChallengeRecord stored, Instant now) {
        Found found = find(cmd, stored, now);
        return found.done(found.challenge == null ? null : new OtpEvent.ChallengeState(cmd.challengeId(),
                cmd.requestId(), cmd.replyTo(), found.challenge.view()));
    }

    /**
     * Ends a pending challenge. Idempotent: a challenge that is no longer pending is answered with
     * its state unchanged, so the caller tells "canceled now or before" from "approved" or "expired".
     */
    public Outcome cancel(OtpCommand.CancelChallenge cmd, ChallengeRecord stored, Instant now) {
        Found found = find(cmd, stored, now);
        if (found.challenge == null) {
            return found.done(null);
        }
        ChallengeRecord challenge = found.challenge;
        if (challenge.status() != ChallengeStatus.PENDING) {
            return found.done(new OtpEvent.ChallengeState(cmd.challengeId(), cmd.requestId(), cmd.replyTo(),
                    challenge.view()));
        }
        ChallengeRecord canceled = challenge.withStatus(ChallengeStatus.CANCELED);
        return new Outcome(canceled, found.then(new OtpEvent.ChallengeState(cmd.challengeId(), cmd.requestId(),
                cmd.replyTo(), canceled.view())), null, null);
    }

    /** A notice's SMS; nothing is stored for it, and it does not pass the send limits (see {@link Notices}). */
    public static Outcome notice(OtpCommand.SendNotice cmd, Instant now) {
        SmsRequest sms = Notices.request(cmd, now);
        return new Outcome(null, List.of(new OtpEvent.NoticeQueued(cmd.challengeId(), cmd.requestId(),
                cmd.replyTo(), sms.messageId())), sms, null);
    }

    /**
     * A delivery report on the challenge's current message; one on an older message (before a
     * resend) must not overwrite the current one's state, and one on a forgotten challenge has
     * nothing to change. Null: nothing to do.
     */
    public static Outcome deliveryReport(SmsStatus report, ChallengeRecord stored, Instant now) {
        if (stored == null || report.delivery() == null || !Objects.equals(stored.messageId(), report.messageId())) {
            return null;
        }
        ChallengeRecord updated = stored.withDelivery(report.delivery(), report.reason());
        return new Outcome(updated, List.of(new OtpEvent.DeliveryUpdated(updated.id(), null, null, updated.view())),
                null, null);
    }

    /** The answer to a command that cannot be acted on. */
    public static Outcome rejected(OtpCommand cmd, String reason, String message) {
        return Outcome.answer(new OtpEvent.CommandRejected(cmd.challengeId(), cmd.requestId(), cmd.replyTo(),
                reason, message));
    }

    /**
     * When the sweep next has something to do with a stored challenge: a pending one at the end of
     * its lifetime, any other one retention later, when it is forgotten. A task indexes every stored
     * challenge at this time when it starts ({@link io.smsotp.stream.expiry.ExpiryIndex#rebuild}).
     */
    public static Instant sweepDue(ChallengeRecord stored) {
        return stored.status() == ChallengeStatus.PENDING ? stored.expiresAt() : stored.expiresAt().plus(RETENTION);
    }

    /**
     * What the sweep does with a challenge whose index entry is due: a pending one past its
     * lifetime expires (announced once); one retention after its expiry it is forgotten.
     */
    public static SweepStep sweep(ChallengeRecord stored, Instant now) {
        ChallengeRecord challenge = stored;
        OtpEvent expired = null;
        if (challenge.status() == ChallengeStatus.PENDING) {
            if (!challenge.dueToExpire(now)) {
                // its lifetime ends later than the entry said: come back then
                return new SweepStep(null, null, sweepDue(challenge), false);
            }
            challenge = challenge.withStatus(ChallengeStatus.EXPIRED);
            expired = expiredEvent(challenge);
        }
        // no longer pending: due a retention after its expiry, as a rebuilt index has it
        Instant purgeAt = sweepDue(challenge);
        boolean purge = !now.isBefore(purgeAt);
        return new SweepStep(expired == null || purge ? null : challenge, expired, purge ? null : purgeAt, purge);
    }

    /**
     * @param saved the new state to store, or null
     * @param expired the expiry to announce, or null
     * @param nextDue when the sweep should come back for it, or null
     * @param purge whether to forget the challenge now
     */
    public record SweepStep(ChallengeRecord saved, OtpEvent expired, Instant nextDue, boolean purge) {
    }

    private static OtpEvent expiredEvent(ChallengeRecord expired) {
        return new OtpEvent.ChallengeExpired(expired.id(), null, null, expired.view());
    }

    private static OtpEvent limited(OtpCommand cmd, SendVerdict verdict) {
        return new OtpEvent.SendRateLimited(cmd.challengeId(), cmd.requestId(), cmd.replyTo(), verdict.refusedBy(),
                verdict.retryAt());
    }

    /**
     * The send request of the challenge's current message. The code lives only in its text, which
     * the writer seals before it leaves the task.
     */
    private static SmsRequest sms(ChallengeRecord challenge, String code, Duration lifetime) {
        return new SmsRequest(challenge.messageId(), challenge.id(), challenge.appId(), challenge.to(),
                SmsText.of(challenge.message(), code, challenge.appName(), lifetime), challenge.expiresAt());
    }

    /** The command's challenge as of now (expired first if its lifetime is over), or not found. */
    private static Found find(OtpCommand cmd, ChallengeRecord stored, Instant now) {
        if (stored == null || !stored.appId().equals(cmd.appId())) {
            return new Found(null, null, new OtpEvent.CommandRejected(cmd.challengeId(), cmd.requestId(),
                    cmd.replyTo(), OtpEvent.CommandRejected.NOT_FOUND, "no challenge " + cmd.challengeId()));
        }
        if (stored.dueToExpire(now)) {
            ChallengeRecord expired = stored.withStatus(ChallengeStatus.EXPIRED);
            return new Found(expired, expired, expiredEvent(expired));
        }
        return new Found(stored, null, null);
    }

    /**
     * A looked-up challenge and what the lookup itself did: expired it (a state to store and an
     * event that goes first), or found nothing (the not-found answer).
     */
    private record Found(ChallengeRecord challenge, ChallengeRecord changed, OtpEvent first) {

        List<OtpEvent> then(OtpEvent answer) {
            List<OtpEvent> events = new ArrayList<>(2);
            if (first != null) {
                events.add(first);
            }
            if (answer != null) {
                events.add(answer);
            }
            return events;
        }

        /** The outcome when the command itself changes nothing more. */
        Outcome done(OtpEvent answer) {
            return new Outcome(changed, then(answer), null, null);
        }
    }
}
