package io.smsotp.auth.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Counts what otp-stream answers to each command auth-service sends, from the 2FA API and the
 * login pages alike: {@code smsotp_auth_replies_total{command, outcome}}.
 */
public final class MeteredCommands implements ChallengeCommands {

    /** The counter's name, {@code smsotp_auth_replies_total} in Prometheus. */
    public static final String REPLIES = "smsotp.auth.replies";

    private final ChallengeCommands commands;
    private final MeterRegistry registry;

    public MeteredCommands(ChallengeCommands commands, MeterRegistry registry) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.registry = Objects.requireNonNull(registry, "registry");
        // the outcomes a dashboard watches, scraped as 0 before the first of each
        count("create", "created", 0);
        count("create", "rate_limited", 0);
        count("verify", "valid", 0);
        count("verify", "invalid", 0);
    }

    @Override
    public String newChallengeId(String to) {
        return commands.newChallengeId(to);
    }

    @Override
    public CompletionStage<OtpEvent> create(String challengeId, String appId, String appName, String to,
                                            OtpPolicy policy, String clientIp) {
        return counted("create", commands.create(challengeId, appId, appName, to, policy, clientIp));
    }

    @Override
    public CompletionStage<OtpEvent> verify(String challengeId, String appId, String code) {
        return counted("verify", commands.verify(challengeId, appId, code));
    }

    @Override
    public CompletionStage<OtpEvent> status(String challengeId, String appId) {
        return counted("status", commands.status(challengeId, appId));
    }

    @Override
    public CompletionStage<OtpEvent> resend(String challengeId, String appId, String clientIp) {
        return counted("resend", commands.resend(challengeId, appId, clientIp));
    }

    @Override
    public CompletionStage<OtpEvent> cancel(String challengeId, String appId) {
        return counted("cancel", commands.cancel(challengeId, appId));
    }

    @Override
    public CompletionStage<OtpEvent> notice(String noticeId, String appId, String to, String text) {
        return counted("notice", commands.notice(noticeId, appId, to, text));
    }

    private CompletionStage<OtpEvent> counted(String command, CompletionStage<OtpEvent> reply) {
        reply.whenComplete((event, error) -> count(command, error != null ? "unavailable" : outcome(event), 1));
        return reply;
    }

    /** The outcome as a tag value: a short name per event type, and valid/invalid for a checked code. */
    static String outcome(OtpEvent event) {
        if (event instanceof OtpEvent.ChallengeCreated) {
            return "created";
        } else if (event instanceof OtpEvent.CodeChecked checked) {
            return checked.valid() ? "valid" : "invalid";
        } else if (event instanceof OtpEvent.SendRateLimited) {
            return "rate_limited";
        } else if (event instanceof OtpEvent.CodeResent resent) {
            return resent.sent() ? "resent" : "resend_refused";
        } else if (event instanceof OtpEvent.CommandRejected) {
            return "rejected";
        } else if (event instanceof OtpEvent.ChallengeState) {
            return "state";
        } else if (event instanceof OtpEvent.NoticeQueued) {
            return "queued";
        }
        return "other";
    }

    private void count(String command, String outcome, int n) {
        Counter.builder(REPLIES).tags("command", command, "outcome", outcome)
                .description("otp-stream's replies to auth-service's commands, by command and outcome")
                .register(registry).increment(n);
    }
}
