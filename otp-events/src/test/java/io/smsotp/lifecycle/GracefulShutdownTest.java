package io.smsotp.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    final List<Integer> halts = new CopyOnWriteArrayList<>();

    @Test
    void aStopThatReturnsInTimeLeavesTheExitAlone() {
        GracefulShutdown.runBounded("test", Duration.ofMillis(100), () -> { }, halts::add);

        // until well past the watchdog's time: it was called off
        Duration watchdog = Duration.ofMillis(100).plus(GracefulShutdown.WATCHDOG_GRACE);
        await().during(watchdog.plusMillis(500)).atMost(watchdog.plusSeconds(5)).until(halts::isEmpty);
    }

    @Test
    void aStopThatHangsIsHaltedWithStatusOneOnceItsBoundAndTheGraceHavePassed() {
        CountDownLatch never = new CountDownLatch(1);
        Thread hook = new Thread(() -> GracefulShutdown.runBounded("test", Duration.ofMillis(100), () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, halts::add));
        long start = System.nanoTime();
        hook.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> !halts.isEmpty());
        assertThat(halts).containsExactly(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Duration.ofMillis(100).plus(GracefulShutdown.WATCHDOG_GRACE));
        never.countDown();
    }

    @Test
    void aStopThatThrowsHaltsWithStatusOne() {
        GracefulShutdown.runBounded("test", Duration.ofSeconds(5), () -> {
            throw new IllegalStateException("broken");
        }, halts::add);

        assertThat(halts).containsExactly(1);
    }
}
