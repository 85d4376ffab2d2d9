package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.OtpPolicy;
import io.smsotp.stream.challenge.ChallengeMetrics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The challenge outcome counters, as the real topology drives them. */
class ChallengeMetricsTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture(stateDir, Duration.ofSeconds(1));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void countsEachChallengeOnceByItsOutcome() {
        String approved = TopologyFixture.newId();
        String failed = TopologyFixture.newId();
        String expired = TopologyFixture.newId();
        String approvedCode = fx.createAndReadCode(approved);
        String failedCode = fx.createAndReadCode(failed);
        fx.create(expired, new OtpPolicy(6, Duration.ofMinutes(1), 5));

        fx.verify(approved, TopologyFixture.wrong(approvedCode), "a-wrong");
        fx.verify(approved, approvedCode, "a-right");
        fx.verify(approved, approvedCode, "a-again");
        for (int i = 0; i < 5; i++) {
            fx.verify(failed, TopologyFixture.wrong(failedCode), "f-" + i);
        }
        fx.verify(failed, TopologyFixture.wrong(failedCode), "f-after");
        fx.advance(Duration.ofSeconds(61));
        fx.verify(expired, "000000", "e-late");

        assertThat(count("created")).isEqualTo(3);
        assertThat(count("approved")).isEqualTo(1);
        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("expired")).isEqualTo(1);
    }

    private double count(String outcome) {
        return fx.meters.get(ChallengeMetrics.CHALLENGES).tag("outcome", outcome).counter().count();
    }
}
