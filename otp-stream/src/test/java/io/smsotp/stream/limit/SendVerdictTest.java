package io.smsotp.stream.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SendVerdictTest {

    private static final long T0 = 1_900_000_000_000L;
    private static final LimitCheck NUMBER = new LimitCheck("per_number", "per_number:n", 2, Duration.ofMinutes(10));
    private static final LimitCheck IP = new LimitCheck("per_ip", "per_ip:i", 1, Duration.ofMinutes(5));

    private final Map<String, SendWindow> stored = new HashMap<>();

    private SendVerdict send(long at) {
        SendVerdict verdict = SendVerdict.decide(List.of(NUMBER, IP), stored::get, at);
        stored.putAll(verdict.counted());
        return verdict;
    }

    @Test
    void aGrantedSendIsCountedUnderEveryLimit() {
        SendVerdict verdict = send(T0);

        assertThat(verdict.granted()).isTrue();
        assertThat(verdict.counted()).containsOnlyKeys(NUMBER.key(), IP.key());
        assertThat(stored.get(NUMBER.key()).count()).isEqualTo(1);
        assertThat(stored.get(IP.key()).count()).isEqualTo(1);
    }

    @Test
    void aSendRefusedByALaterLimitIsCountedByNone() {
        send(T0);

        SendVerdict refused = send(T0 + 1_000);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.refusedBy()).isEqualTo("per_ip");
        assertThat(refused.retryAt()).isEqualTo(Instant.ofEpochMilli(T0 + Duration.ofMinutes(5).toMillis()));
        assertThat(refused.counted()).isEmpty();
        assertThat(stored.get(NUMBER.key()).count()).isEqualTo(1);
    }

    @Test
    void theFirstFullLimitRefusesUntilItsOldestSendLeaves() {
        send(T0);
        send(T0 + Duration.ofMinutes(5).toMillis());

        SendVerdict refused = send(T0 + Duration.ofMinutes(6).toMillis());

        assertThat(refused.refusedBy()).isEqualTo("per_number");
        assertThat(refused.retryAt()).isEqualTo(Instant.ofEpochMilli(T0 + Duration.ofMinutes(10).toMillis()));
        assertThat(send(T0 + Duration.ofMinutes(10).toMillis()).granted()).isTrue();
    }
}
