package io.smsotp.stream.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.JsonSerde;
import org.junit.jupiter.api.Test;

class SendWindowTest {

    private static final long MINUTE = 60_000;
    private static final long T0 = 1_893_456_000_000L;

    @Test
    void allowsUpToTheMaximumThenSaysWhenTheOldestSendLeaves() {
        SendWindow w = SendWindow.empty(10 * MINUTE);
        for (int i = 0; i < 5; i++) {
            long at = T0 + i * MINUTE;
            assertThat(w.at(at, 10 * MINUTE).retryAt(5)).isNull();
            w = w.at(at, 10 * MINUTE).plus(at);
        }

        SendWindow now = w.at(T0 + 5 * MINUTE, 10 * MINUTE);

        assertThat(now.count()).isEqualTo(5);
        assertThat(now.retryAt(5)).isEqualTo(T0 + 10 * MINUTE);
        // at that moment the first send has left: one more fits
        assertThat(w.at(T0 + 10 * MINUTE - 1, 10 * MINUTE).retryAt(5)).isEqualTo(T0 + 10 * MINUTE);
        assertThat(w.at(T0 + 10 * MINUTE, 10 * MINUTE).retryAt(5)).isNull();
        assertThat(w.at(T0 + 10 * MINUTE, 10 * MINUTE).count()).isEqualTo(4);
    }

    @Test
    void aLowerMaximumWaitsForAsManySendsToLeaveAsItTakes() {
        SendWindow w = SendWindow.empty(10 * MINUTE).plus(T0).plus(T0 + MINUTE).plus(T0 + 2 * MINUTE);

        // 3 in the window, 2 allowed: two must leave before the next one fits
        assertThat(w.retryAt(2)).isEqualTo(T0 + MINUTE + 10 * MINUTE);
    }

    @Test
    void staysBoundedUnderAHighRateAndNeverLetsASlotLeaveEarly() {
        SendWindow w = SendWindow.empty(MINUTE);
        for (int i = 0; i < 10_000; i++) {
            long at = T0 + i * 6L;
            w = w.at(at, MINUTE).plus(at);
        }
        long last = T0 + 9_999 * 6L;

        assertThat(w.slots()).hasSizeLessThanOrEqualTo(SendWindow.SLOTS_PER_WINDOW + 1);
        assertThat(w.count()).isEqualTo(10_000);
        // every one of the 10,000 sends happened within the last minute and is still counted
        assertThat(w.at(last, MINUTE).count()).isEqualTo(10_000);
        // the first slot's sends leave at the latest one minute and one slot span after they began
        long firstLeaves = w.slots().get(0).last() + MINUTE;
        assertThat(firstLeaves).isBetween(T0 + MINUTE, T0 + MINUTE + MINUTE / SendWindow.SLOTS_PER_WINDOW);
    }

    @Test
    void aWallClockThatSteppedBackKeepsTheSlotsInOrder() {
        SendWindow w = SendWindow.empty(10 * MINUTE).plus(T0 + 5 * MINUTE).plus(T0);

        assertThat(w.slots()).extracting(SendWindow.Slot::first).containsExactly(T0, T0 + 5 * MINUTE);
    }

    @Test
    void survivesTheStoreRoundTrip() {
        JsonSerde<SendWindow> serde = JsonSerde.serdeFor(SendWindow.class);
        SendWindow w = SendWindow.empty(MINUTE).plus(T0).plus(T0 + 1).plus(T0 + 30_000);

        assertThat(serde.deserialize("t", serde.serialize("t", w))).isEqualTo(w);
    }
}
