package io.smsotp.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ChallengeMdcTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void holdsTheIdUntilClosedThenPutsBackWhatWasThere() {
        try (ChallengeMdc.Scope outer = ChallengeMdc.put("outer-id")) {
            assertThat(MDC.get("challengeId")).isEqualTo("outer-id");
            try (ChallengeMdc.Scope inner = ChallengeMdc.put("inner-id")) {
                assertThat(MDC.get("challengeId")).isEqualTo("inner-id");
            }
            assertThat(MDC.get("challengeId")).isEqualTo("outer-id");
        }
        assertThat(MDC.get("challengeId")).isNull();
    }

    @Test
    void aNullIdPutsNothingAndTakesNothingAway() {
        try (ChallengeMdc.Scope outer = ChallengeMdc.put("outer-id")) {
            try (ChallengeMdc.Scope none = ChallengeMdc.put(null)) {
                assertThat(MDC.get("challengeId")).isEqualTo("outer-id");
            }
            assertThat(MDC.get("challengeId")).isEqualTo("outer-id");
        }
    }

    @Test
    void aCallbackRunsWithTheIdAndLeavesTheThreadClean() {
        List<String> seen = new ArrayList<>();
        Consumer<String> callback = ChallengeMdc.around("cb-id", value -> seen.add(value + "@" + MDC.get("challengeId")));

        callback.accept("reply");

        assertThat(seen).containsExactly("reply@cb-id");
        assertThat(MDC.get("challengeId")).isNull();
    }
}
