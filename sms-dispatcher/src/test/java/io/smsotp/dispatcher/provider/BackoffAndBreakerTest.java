package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.DispatcherSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The backoff between tries, and which tries count against a provider in its circuit breaker. */
class BackoffAndBreakerTest {

    static final DispatcherSettings.Retry RETRY = new DispatcherSettings.Retry(Duration.ofMillis(100),
            Duration.ofMillis(500), 2.0, 0.5);

    @Test
    void growsExponentiallyUpToTheMaximum() {
        Backoff middle = new Backoff(RETRY, () -> 0.5);

        assertThat(middle.delay(1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(middle.delay(2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(middle.delay(3, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(middle.delay(4, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(middle.delay(12, null)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void jitterSpreadsEachWaitByTheConfiguredFraction() {
        assertThat(new Backoff(RETRY, () -> 0.0).delay(2, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(new Backoff(RETRY, () -> 0.999999).delay(2, null)).isBetween(Duration.ofMillis(299), Duration.ofMillis(300));
        Backoff random = new Backoff(RETRY);
        for (int i = 0; i < 200; i++) {
            assertThat(random.delay(2, null)).isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
        }
    }

    @Test
    void aRetryAfterWinsOnlyWhenItAsksForLonger() {
        Backoff b = new Backoff(RETRY, () -> 0.5);

        assertThat(b.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.delay(3, Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void countsAgainstAProviderWhatSaysItCannotTakeMessagesButNotWhatJudgedOneMessage() {
        assertThat(Lane.verdict(attempt(Attempt.Kind.SENT, 200))).isEqualTo(Lane.Verdict.SUCCESS);
        assertThat(Lane.verdict(attempt(Attempt.Kind.RETRYABLE, 503))).isEqualTo(Lane.Verdict.FAILURE);
        assertThat(Lane.verdict(attempt(Attempt.Kind.RETRYABLE, 429))).isEqualTo(Lane.Verdict.FAILURE);
        assertThat(Lane.verdict(attempt(Attempt.Kind.RETRYABLE, null))).isEqualTo(Lane.Verdict.FAILURE);
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, 401))).isEqualTo(Lane.Verdict.FAILURE);
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, 404))).isEqualTo(Lane.Verdict.FAILURE);
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, 301))).isEqualTo(Lane.Verdict.FAILURE);
        // one bad number or text: the provider works
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, 400))).isEqualTo(Lane.Verdict.SUCCESS);
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, 422))).isEqualTo(Lane.Verdict.SUCCESS);
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, 200))).isEqualTo(Lane.Verdict.SUCCESS);
        // the request could not even be made
        assertThat(Lane.verdict(attempt(Attempt.Kind.PERMANENT, null))).isEqualTo(Lane.Verdict.NOT_CALLED);
    }

    static Attempt attempt(Attempt.Kind kind, Integer status) {
        return new Attempt("p", kind, status, kind == Attempt.Kind.SENT ? null : "why", null, Instant.now());
    }
}
