package io.smsotp.stream.challenge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.OtpEvent;
import java.util.Objects;

/**
 * Counts the challenges' outcomes as the single writer announces them:
 * {@code smsotp_challenges_total{outcome=created|approved|failed|expired}}. Counted when the event
 * is emitted; a transaction that aborts and is redone counts twice, so these are operating figures,
 * not an audit.
 */
public final class ChallengeMetrics {

    /** The meter name, {@code smsotp_challenges_total} in Prometheus. */
    public static final String CHALLENGES = "smsotp.challenges";

    private final Counter created;
    private final Counter approved;
    private final Counter failed;
    private final Counter expired;

    public ChallengeMetrics(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        this.created = counter(registry, "created", "challenges made (their code was sent for delivery)");
        this.approved = counter(registry, "approved", "challenges whose code was verified");
        this.failed = counter(registry, "failed", "challenges that ran out of attempts");
        this.expired = counter(registry, "expired", "challenges that reached their lifetime unverified");
    }

    /** Counts into a registry of its own, which nothing reads (tests, a topology without metrics). */
    public static ChallengeMetrics unread() {
        return new ChallengeMetrics(new SimpleMeterRegistry());
    }

    private static Counter counter(MeterRegistry registry, String outcome, String description) {
        return Counter.builder(CHALLENGES).tag("outcome", outcome).description(description).register(registry);
    }

    /** Counts {@code event} when it is a challenge's outcome. */
    void onEmitted(OtpEvent event) {
        if (event instanceof OtpEvent.ChallengeCreated) {
            created.increment();
        } else if (event instanceof OtpEvent.ChallengeExpired) {
            expired.increment();
        } else if (event instanceof OtpEvent.CodeChecked checked) {
            if (checked.valid()) {
                approved.increment();
            } else if (checked.counted() && checked.challenge().status() == ChallengeStatus.MAX_ATTEMPTS_REACHED) {
                // the wrong code that used the last attempt; later ones are not counted
                failed.increment();
            }
        }
    }
}
