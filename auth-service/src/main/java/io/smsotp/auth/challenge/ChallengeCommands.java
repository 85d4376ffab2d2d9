package io.smsotp.auth.challenge;

import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import java.util.concurrent.CompletionStage;

/**
 * Commands to the single writer of challenge state, each answered by its outcome. The Kafka
 * implementation publishes to {@code otp.commands} and waits on {@code otp.events}; HTTP tests
 * use a stand-in.
 *
 * <p>Each stage completes with the writer's reply for that command (e.g. {@code ChallengeCreated},
 * {@code CodeChecked}, {@code ChallengeState} or {@code CommandRejected}), or fails with
 * {@link CommandsUnavailableException} when no reply came in time or the command could not be sent.
 */
public interface ChallengeCommands {

    /**
     * A fresh, unguessable id for a challenge to {@code to} (E.164), placed where the writer keeps
     * every challenge to that number ({@link io.smsotp.events.ChallengePlacement}); the writer refuses
     * a create whose id is not.
     */
    String newChallengeId(String to);

    /**
     * Make a challenge for {@code to} (E.164) under the application's policy and send its code;
     * {@code clientIp} (or null) counts against the per-IP send limit.
     */
    CompletionStage<OtpEvent> create(String challengeId, String appId, String appName, String to, OtpPolicy policy,
                                     String clientIp);

    /** {@link #create(String, String, String, String, OtpPolicy, String)} without a client IP. */
    default CompletionStage<OtpEvent> create(String challengeId, String appId, String appName, String to,
                                             OtpPolicy policy) {
        return create(challengeId, appId, appName, to, policy, null);
    }

    /** Check a code the user typed. */
    CompletionStage<OtpEvent> verify(String challengeId, String appId, String code);

    /** Read the challenge's current state. */
    CompletionStage<OtpEvent> status(String challengeId, String appId);

    /** Send a new code for a pending challenge (answered by {@code CodeResent}); the old code stops working. */
    CompletionStage<OtpEvent> resend(String challengeId, String appId, String clientIp);

    /** End a pending challenge (answered by {@code ChallengeState}). */
    CompletionStage<OtpEvent> cancel(String challengeId, String appId);

    /**
     * Send {@code text} (no code in it) to {@code to} (E.164) as an SMS of its own, named
     * {@code noticeId} (made like a challenge id); answered by {@code NoticeQueued}.
     */
    CompletionStage<OtpEvent> notice(String noticeId, String appId, String to, String text);
}
