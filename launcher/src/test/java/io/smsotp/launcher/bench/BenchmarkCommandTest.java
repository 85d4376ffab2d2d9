package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark as a script runs it: a process of its own that starts the product in another,
 * drives it briefly at small rates, and ends its output with one JSON line of every figure. Speed
 * is not asserted, only that each figure is there and could be one.
 */
class BenchmarkCommandTest {

    @Test
    void endsWithOneJsonLineOfEveryFigureMeasuredOnAProductInItsOwnJvm() throws Exception {
        List<String> lines = BenchCommand.run(Benchmark.class,
                "--rate", "20", "--max-rate", "40", "--seconds", "2", "--warmup-seconds", "2");
        assertThat(lines).as("its table and the JSON line").hasSizeGreaterThan(5);

        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(last.isObject()).isTrue();
        assertThat(last.path("rawKafka").path("p50").isNumber()).isTrue();
        assertThat(last.path("rawKafka").path("p99").asDouble()).isGreaterThan(0);
        for (String phase : List.of("createToSms", "verify")) {
            JsonNode node = last.path(phase);
            assertThat(node.path("rate").asInt()).as(phase).isEqualTo(20);
            assertThat(node.path("achieved").asDouble()).as(phase).isGreaterThan(0);
            assertThat(node.path("p50").asDouble()).as(phase).isGreaterThan(0);
            assertThat(node.path("p99").asDouble()).as(phase).isGreaterThanOrEqualTo(node.path("p50").asDouble());
        }
        assertThat(last.path("maxSustained").asDouble()).isGreaterThan(0);
        assertThat(last.path("productCpuMsPerChallenge").isNumber()).isTrue();
        assertThat(last.path("productCpuMsPerChallenge").asDouble()).isGreaterThan(0);
        String output = String.join("\n", lines);
        assertThat(output).as("the product ran in a JVM of its own")
                .containsPattern("product in its own JVM \\(pid \\d+, -Xmx512m -XX:\\+UseSerialGC\\)");
        assertThat(output).as("the phases were rehearsed at the rate (creates, then verifies) before they were measured")
                .containsPattern("warm-up at the rate: 40 creates and \\d+ verifies at 20/s[^\n]*\n(.*\n)*create→SMS @20/s");
    }
}
