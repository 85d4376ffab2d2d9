package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
