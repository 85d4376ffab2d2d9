package io.smsotp.auth.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HashingGateTest {

    @Test
    void runsAtMostItsConcurrencyAndRefusesPastTheQueue() throws Exception {
        HashingGate gate = new HashingGate(1, 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> gate.run(() -> {
            running.countDown();
            waitFor(release);
            return "first";
        }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> gate.run(() -> "queued"));
        await().until(() -> gate.waiting() == 1);

        // one runs, one waits: the next is refused at once
        long before = System.nanoTime();
        assertThatThrownBy(() -> gate.run(() -> "third")).isInstanceOf(HashingGate.Busy.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).as("refused without waiting")
                .isLessThan(HashingGate.MAX_WAIT.toMillis());
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("queued");
        assertThat(gate.run(() -> "later")).isEqualTo("later");
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
