package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProductProcessTest {

    @Test
    void theProductRunsWithTheImagesCollectorByDefault() {
        assertThat(ProductProcess.jvmArgs(List.of())).containsExactly("-Xmx512m", "-XX:+UseSerialGC");
        assertThat(ProductProcess.jvmArgs(List.of("-XX:StartFlightRecording=filename=/tmp/p.jfr")))
                .containsExactly("-Xmx512m", "-XX:+UseSerialGC", "-XX:StartFlightRecording=filename=/tmp/p.jfr");
    }

    @Test
    void aCollectorGivenReplacesTheImagesOne() {
        // two collectors at once and the JVM refuses to start
        assertThat(ProductProcess.jvmArgs(List.of("-XX:+UseG1GC"))).containsExactly("-Xmx512m", "-XX:+UseG1GC");
        assertThat(ProductProcess.jvmArgs(List.of("-Dx=1", "-XX:+UseParallelGC")))
                .containsExactly("-Xmx512m", "-Dx=1", "-XX:+UseParallelGC");
    }

    @Test
    void eachKindOfThreadCountsWhatItsLivingThreadsSpentBetweenTheReadings() {
        Map<Long, ProductProcess.ThreadTicks> before = Map.of(
                1L, new ProductProcess.ThreadTicks("qtpN-N", 100),
                2L, new ProductProcess.ThreadTicks("qtpN-N", 50),
                3L, new ProductProcess.ThreadTicks("qtpN-N", 70), // ends before the second reading
                4L, new ProductProcess.ThreadTicks("GC Thread#N", 10),
                5L, new ProductProcess.ThreadTicks("kafka-producer", 40)); // its id goes to a new thread
        Map<Long, ProductProcess.ThreadTicks> after = Map.of(
                1L, new ProductProcess.ThreadTicks("qtpN-N", 130),
                2L, new ProductProcess.ThreadTicks("qtpN-N", 55),
                4L, new ProductProcess.ThreadTicks("GC Thread#N", 10),
                5L, new ProductProcess.ThreadTicks("C2 CompilerThreadN", 3),
                6L, new ProductProcess.ThreadTicks("qtpN-N", 7)); // started in between

        assertThat(ProductProcess.ticksByKind(before, after)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "qtpN-N", 30L + 5 + 7, "GC Thread#N", 0L, "C2 CompilerThreadN", 3L));
    }

    @Test
    void theLoginLineSaysWhatThreadsThatEndedSpent() {
        // 2 s of process CPU over 100 logins, 1.5 s of it in the threads still there: 5 ms a login elsewhere
        String line = LoginBenchmark.threadLine(Map.of("qtpN-N", 100L, "argonN", 50L, "idle", 0L), 2.0, 100);

        assertThat(line).isEqualTo("CPU-ms per login by thread: qtpN-N 10.0; argonN 5.0;"
                + " threads that ended during the row (and rounding) 5.0;");
        assertThat(LoginBenchmark.threadLine(Map.of("qtpN-N", 200L), 2.0, 100))
                .as("nothing left over, nothing said").isEqualTo("CPU-ms per login by thread: qtpN-N 20.0;");
    }

    @Test
    void aRowInWhichTheCompilerStillWorksSaysTheProductIsNotWarm() {
        // 100 logins: C1 and C2 together 30 ticks (300 ms), 3 ms a login, above the 2 ms line
        Map<String, Long> compiling = Map.of("CN CompilerThre", 30L, "qtpN-N", 500L);
        assertThat(LoginBenchmark.stillCompiling(compiling, 100)).hasValueSatisfying(note ->
                assertThat(note).startsWith("the JIT compiler still took 3.0 ms a login").contains("--warmup-seconds"));

        assertThat(LoginBenchmark.stillCompiling(Map.of("CN CompilerThre", 20L, "qtpN-N", 500L), 100))
                .as("2 ms a login is warm enough").isEmpty();
        assertThat(LoginBenchmark.stillCompiling(Map.of("qtpN-N", 500L), 100)).as("no compiler thread").isEmpty();
        assertThat(LoginBenchmark.stillCompiling(compiling, 0)).as("no login, no figure").isEmpty();
    }
}
