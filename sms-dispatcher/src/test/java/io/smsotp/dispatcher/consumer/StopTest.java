package io.smsotp.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stop's time: when it must be done, and what each closing step may still take. */
class StopTest {

    final AtomicLong now = new AtomicLong(1_000);

    Stop stop(Duration timeout) {
        return new Stop(timeout, now::get);
    }

    @Test
    void keepsAQuarterOfTheTimeForClosingButNeverMoreThanTwoSeconds() {
        assertThat(stop(Duration.ofSeconds(1)).closeReserve()).isEqualTo(Duration.ofMillis(250));
        assertThat(stop(Duration.ofSeconds(8)).closeReserve()).isEqualTo(Duration.ofSeconds(2));
        assertThat(stop(Duration.ofSeconds(60)).closeReserve()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theFirstAskSetsTheDeadlineAndALaterOneDoesNotPutItOff() {
        Stop stop = stop(Duration.ofSeconds(4));
        assertThat(stop.asked()).isFalse();

        stop.ask();
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        stop.ask();

        assertThat(stop.asked()).isTrue();
        assertThat(stop.deadline()).isEqualTo(1_000 + Duration.ofSeconds(4).toNanos());
        assertThat(stop.remaining()).isEqualTo(Duration.ofSeconds(1));
        assertThat(stop.drainDeadline()).isEqualTo(stop.deadline() - Duration.ofSeconds(1).toNanos());
    }

    @Test
    void aStepPastTheDeadlineStillGetsOneRoundTrip() {
        Stop stop = stop(Duration.ofSeconds(1));
        stop.ask();

        now.addAndGet(Duration.ofSeconds(5).toNanos());

        assertThat(stop.remaining()).isEqualTo(Stop.MIN_STEP);
    }

    @Test
    void aLoopEndingWithoutAStopStartsItsTimeWhenItFirstNeedsIt() {
        Stop stop = stop(Duration.ofSeconds(2));
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        assertThat(stop.remaining()).isEqualTo(Duration.ofSeconds(2));
        assertThat(stop.asked()).isFalse();
    }
}
