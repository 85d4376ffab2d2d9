package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a benchmark's main as a script would: a process of its own, on the test classpath; its stdout lines. */
final class BenchCommand {

    private BenchCommand() {
    }

    /** The stdout lines of {@code main} run with {@code args}, once it exited 0 within 5 minutes. */
    static List<String> run(Class<?> main, String... args) throws Exception {
        Path dir = Files.createTempDirectory("smsotp-bench-test-");
        Path stdout = dir.resolve("stdout");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        try {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished within 5 minutes").isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        String stderr = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
        TestKafka.deleteRecursively(dir);
        assertThat(p.exitValue()).as("exit status; stdout: %s; stderr: %s", lines, stderr).isZero();
        return lines;
    }

    /**
     * The last line is a row of a login benchmark's table ({@code row} matches it, its groups being
     * logins/s, p50, p99, logins per CPU-s, CPU ms per login and failed logins), every login
     * completed, and the output says where the server's CPU went.
     */
    static void assertLoginRow(java.util.regex.Pattern row, List<String> lines) {
        java.util.regex.Matcher m = row.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as("the last line is the row of the table: %s", lines).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("logins/s").isGreaterThan(0);
        assertThat(Double.parseDouble(m.group(2))).as("p50").isGreaterThan(0);
        assertThat(Double.parseDouble(m.group(4))).as("logins per CPU-s").isGreaterThan(0);
        assertThat(Double.parseDouble(m.group(5))).as("CPU ms per login").isGreaterThan(0);
        assertThat(m.group(6)).as("failed logins").isEqualTo("0");
        assertThat(String.join("\n", lines)).as("where the CPU went").contains("CPU-ms per login by thread:");
    }
}
