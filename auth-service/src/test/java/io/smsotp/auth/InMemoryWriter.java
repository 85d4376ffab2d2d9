package io.smsotp.auth;

import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.challenge.ChallengeIds;
import io.smsotp.auth.challenge.CommandsUnavailableException;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for otp-stream behind {@link ChallengeCommands}, for HTTP tests: keeps challenges
 * in memory with the fixed code {@link #CODE}, and records every command it was sent.
 */
public final class InMemoryWriter implements ChallengeCommands {

    public static final String CODE = "246810";

    private record Challenge(String appId, String to, Instant expiresAt, int attemptsLeft, ChallengeStatus status,
                             Delivery delivery, String deliveryReason) {
        ChallengeView view() {
            return new ChallengeView(status, to, expiresAt, attemptsLeft, delivery, deliveryReason);
        }

        Challenge with(ChallengeStatus s, int attempts) {
            return new Challenge(appId, to, expiresAt, attempts, s, delivery, deliveryReason);
        }
    }

    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final List<OtpCommand> received = new CopyOnWriteArrayList<>();
    private volatile boolean unavailable;
    private volatile OtpEvent.SendRateLimited sendLimit;

    /** One partition in memory: any fresh id will do. */
    @Override
    public String newChallengeId(String to) {
        return new ChallengeIds().next();
    }

    /** Every command sent so far. */
    public List<OtpCommand> received() {
        return List.copyOf(received);
    }

    /** The create commands sent so far. */
    public List<OtpCommand.CreateChallenge> created() {
        return received.stream().filter(OtpCommand.CreateChallenge.class::isInstance)
                .map(OtpCommand.CreateChallenge.class::cast).toList();
    }

    /** The verify commands sent so far. */
    public List<OtpCommand.VerifyCode> verifies() {
        return received.stream().filter(OtpCommand.VerifyCode.class::isInstance)
                .map(OtpCommand.VerifyCode.class::cast).toList();
    }

    /** The notices sent so far. */
    public List<OtpCommand.SendNotice> notices() {
        return received.stream().filter(OtpCommand.SendNotice.class::isInstance)
                .map(OtpCommand.SendNotice.class::cast).toList();
    }

    /** From now on, answer creates and resends as if send limit {@code limit} were used up until {@code retryAt}; null lifts it. */
    public void limitSends(String limit, Instant retryAt) {
        sendLimit = limit == null ? null : new OtpEvent.SendRateLimited(null, null, null, limit, retryAt);
    }

    /** From now on, fail every command as if otp-stream did not answer. */
    void goSilent() {
        unavailable = true;
    }

    public void setStatus(String id, ChallengeStatus status) {
        challenges.computeIfPresent(id, (k, c) -> c.with(status, c.attemptsLeft()));
    }

    void failDelivery(String id, String reason) {
        challenges.computeIfPresent(id, (k, c) -> new Challenge(c.appId(), c.to(), c.expiresAt(), c.attemptsLeft(),
                c.status(), Delivery.FAILED, reason));
    }

    @Override
    public CompletionStage<OtpEvent> create(String challengeId, String appId, String appName, String to,
                                            OtpPolicy policy, String clientIp) {
        OtpCommand.CreateChallenge command = new OtpCommand.CreateChallenge(challengeId, appId, appName, to, policy,
                clientIp, "req-" + received.size(), "stand-in");
        return answer(command, () -> {
            if (sendLimit != null) {
                return new OtpEvent.SendRateLimited(challengeId, command.requestId(), command.replyTo(),
                        sendLimit.limit(), sendLimit.retryAt());
            }
            Challenge c = new Challenge(appId, to, Instant.now().plus(policy.ttl()), policy.maxAttempts(),
                    ChallengeStatus.PENDING, Delivery.QUEUED, null);
            challenges.put(challengeId, c);
            return new OtpEvent.ChallengeCreated(challengeId, command.requestId(), command.replyTo(), c.view());
        });
    }

    @Override
    public CompletionStage<OtpEvent> verify(String challengeId, String appId, String code) {
        OtpCommand.VerifyCode command = new OtpCommand.VerifyCode(challengeId, appId, code, "req-" + received.size(),
                "stand-in");
        return answer(command, () -> {
            Challenge c = mine(challengeId, appId);
            if (c == null) {
                return notFound(command);
            }
            if (c.status() != ChallengeStatus.PENDING) {
                return checked(command, false, false, c);
            }
            if (CODE.equals(code)) {
                return checked(command, true, true, store(challengeId, c.with(ChallengeStatus.APPROVED, c.attemptsLeft())));
            }
            int left = c.attemptsLeft() - 1;
            return checked(command, false, true, store(challengeId,
                    c.with(left == 0 ? ChallengeStatus.MAX_ATTEMPTS_REACHED : ChallengeStatus.PENDING, left)));
        });
    }

    @Override
    public CompletionStage<OtpEvent> status(String challengeId, String appId) {
        OtpCommand.GetStatus command = new OtpCommand.GetStatus(challengeId, appId, "req-" + received.size(), "stand-in");
        return answer(command, () -> {
            Challenge c = mine(challengeId, appId);
            return c == null ? notFound(command)
                    : new OtpEvent.ChallengeState(challengeId, command.requestId(), command.replyTo(), c.view());
        });
    }

    @Override
    public CompletionStage<OtpEvent> resend(String challengeId, String appId, String clientIp) {
        OtpCommand.ResendCode command = new OtpCommand.ResendCode(challengeId, appId, clientIp,
                "req-" + received.size(), "stand-in");
        return answer(command, () -> {
            Challenge c = mine(challengeId, appId);
            if (c == null) {
                return notFound(command);
            }
            if (sendLimit != null) {
                return new OtpEvent.SendRateLimited(challengeId, command.requestId(), command.replyTo(),
                        sendLimit.limit(), sendLimit.retryAt());
            }
            // the stand-in's code never changes, so a resend only re-queues the delivery
            boolean pending = c.status() == ChallengeStatus.PENDING;
            Challenge after = pending ? store(challengeId, new Challenge(c.appId(), c.to(), c.expiresAt(),
                    c.attemptsLeft(), c.status(), Delivery.QUEUED, null)) : c;
            return new OtpEvent.CodeResent(challengeId, command.requestId(), command.replyTo(), pending,
                    pending ? null : OtpEvent.CodeResent.NOT_PENDING, after.view());
        });
    }

    @Override
    public CompletionStage<OtpEvent> cancel(String challengeId, String appId) {
        OtpCommand.CancelChallenge command = new OtpCommand.CancelChallenge(challengeId, appId,
                "req-" + received.size(), "stand-in");
        return answer(command, () -> {
            Challenge c = mine(challengeId, appId);
            if (c == null) {
                return notFound(command);
            }
            Challenge after = c.status() == ChallengeStatus.PENDING
                    ? store(challengeId, c.with(ChallengeStatus.CANCELED, c.attemptsLeft())) : c;
            return new OtpEvent.ChallengeState(challengeId, command.requestId(), command.replyTo(), after.view());
        });
    }

    @Override
    public CompletionStage<OtpEvent> notice(String noticeId, String appId, String to, String text) {
        OtpCommand.SendNotice command = new OtpCommand.SendNotice(noticeId, appId, to, text,
                "req-" + received.size(), "stand-in");
        return answer(command, () -> new OtpEvent.NoticeQueued(noticeId, command.requestId(), command.replyTo(),
                "msg-" + noticeId));
    }

    private CompletionStage<OtpEvent> answer(OtpCommand command, java.util.function.Supplier<OtpEvent> reply) {
        received.add(command);
        if (unavailable) {
            return CompletableFuture.failedFuture(new CommandsUnavailableException("stand-in is silent"));
        }
        // answered from another thread, as the Kafka listener would
        return CompletableFuture.supplyAsync(reply);
    }

    private Challenge mine(String id, String appId) {
        Challenge c = challenges.get(id);
        return c != null && c.appId().equals(appId) ? c : null;
    }

    private Challenge store(String id, Challenge c) {
        challenges.put(id, c);
        return c;
    }

    private static OtpEvent checked(OtpCommand command, boolean valid, boolean counted, Challenge c) {
        return new OtpEvent.CodeChecked(command.challengeId(), command.requestId(), command.replyTo(), valid, counted,
                c.view());
    }

    private static OtpEvent notFound(OtpCommand command) {
        return new OtpEvent.CommandRejected(command.challengeId(), command.requestId(), command.replyTo(),
                OtpEvent.CommandRejected.NOT_FOUND, "no such challenge");
    }
}
