package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsotp.testsupport.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a log shipper reads from the launcher started with {@code SMSOTP_LOG_FORMAT=json}: a real
 * process, with the launcher's own logback.xml, whose stderr is one JSON object per line from
 * the first line to the last of its shutdown; the welcome on stdout stays text.
 */
class JsonLogLinesTest {

    @Test
    void theLauncherLogsOneJsonObjectPerLineFromStartToStop() throws Exception {
        Path dir = Files.createTempDirectory("smsotp-json-logs-");
        Path config = dir.resolve("smsotp.yml");
        Files.writeString(config, "auth: {port: 0}\ngateway: {port: 0}\n");
        Path stderr = dir.resolve("stderr");
        Path stdout = dir.resolve("stdout");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(),
                // the test classpath also holds test-support's logback-test.xml, which logback would prefer
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
                "--config", config.toString(), "--data-dir", dir.resolve("data").toString(), "--no-demo-app"))
                .redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
        builder.environment().put("SMSOTP_LOG_FORMAT", "json");
        Instant started = Instant.now();
        Process p = builder.start();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> !p.isAlive()
                    || Files.readString(stderr, StandardCharsets.UTF_8).contains("smsotp embedded default started"));
            assertThat(p.isAlive()).as("started: %s", Files.readString(stderr, StandardCharsets.UTF_8)).isTrue();
            // SIGTERM: the shutdown hook stops the services, which log as they go
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        String welcome = Files.readString(stdout, StandardCharsets.UTF_8);
        TestKafka.deleteRecursively(dir);

        List<JsonNode> entries = parse(lines);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.path("level").asText()).isIn("ERROR", "WARN", "INFO");
            assertThat(e.path("logger").asText()).isNotEmpty();
            assertThat(e.path("thread").asText()).isNotEmpty();
            assertThat(e.has("message")).isTrue();
            assertThat(Instant.parse(e.path("time").asText())).isAfter(started.minusSeconds(1));
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.path("logger").asText()).isEqualTo("io.smsotp.launcher.EmbeddedDefault");
            assertThat(e.path("message").asText()).isEqualTo("smsotp embedded default started");
        });
        assertThat(entries).as("the services' lines, at the launcher's levels")
                .anyMatch(e -> e.path("logger").asText().equals("io.smsotp.auth.AuthService"))
                .anyMatch(e -> e.path("logger").asText().equals("io.smsotp.stream.OtpStreamService")
                        && e.path("message").asText().contains("NOT_RUNNING"))
                .noneMatch(e -> e.path("logger").asText().startsWith("org.apache.kafka.clients")
                        && e.path("level").asText().equals("INFO"));
        assertThat(welcome).contains("smsotp is running").contains("smsotp: stopping...");
    }

    /** Each line as JSON; a line that is not one JSON object fails with the line quoted. */
    private static List<JsonNode> parse(List<String> lines) {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> entries = new ArrayList<>();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            try {
                JsonNode node = mapper.readTree(line);
                assertThat(node).as("a JSON object: %s", line).isNotNull();
                assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
                entries.add(node);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return entries;
    }
}
