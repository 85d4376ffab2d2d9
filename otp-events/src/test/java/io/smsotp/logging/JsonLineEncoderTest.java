package io.smsotp.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {

    static final String JSON_XML = """
            <configuration>
              <appender name="json" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder class="io.smsotp.logging.JsonLineEncoder"/>
              </appender>
              <root level="TRACE">
                <appender-ref ref="json"/>
              </root>
            </configuration>
            """;
    static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void writesEachEventAsOneJsonObjectOnOneLine() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> lines = LogCapture.run(JSON_XML, context -> {
            context.getLogger("io.smsotp.stream.OtpStreamService").info("otp-stream running as {}", "otp-stream");
            context.getLogger("io.smsotp.dispatcher.SmsDispatcher").warn("a \"quoted\"\nsecond line\tand a tab");
        }).lines();
        Instant after = Instant.now();

        assertThat(lines).hasSize(2);
        JsonNode first = MAPPER.readTree(lines.get(0));
        assertThat(fieldNames(first)).containsExactly("time", "level", "logger", "thread", "message");
        assertThat(first.path("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(first.path("time").asText())).isBetween(before, after);
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("logger").asText()).isEqualTo("io.smsotp.stream.OtpStreamService");
        assertThat(first.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.path("message").asText()).isEqualTo("otp-stream running as otp-stream");
        JsonNode second = MAPPER.readTree(lines.get(1));
        assertThat(second.path("level").asText()).isEqualTo("WARN");
        assertThat(second.path("message").asText()).isEqualTo("a \"quoted\"\nsecond line\tand a tab");
    }

    @Test
    void addsTheChallengeIdWhileTheMdcHoldsOne() throws Exception {
        List<String> lines = LogCapture.run(JSON_XML, context -> {
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put("Zx4CQv3kS2uYw1o0qB7e9A")) {
                context.getLogger("io.smsotp.stream.challenge.ChallengeProcessor").debug("created challenge");
            }
            context.getLogger("io.smsotp.stream.challenge.ChallengeProcessor").debug("after it");
        }).lines();

        assertThat(lines).hasSize(2);
        JsonNode during = MAPPER.readTree(lines.get(0));
        assertThat(fieldNames(during)).containsExactly("time", "level", "logger", "thread", "message", "challengeId");
        assertThat(during.path("challengeId").asText()).isEqualTo("Zx4CQv3kS2uYw1o0qB7e9A");
        assertThat(MAPPER.readTree(lines.get(1)).has("challengeId")).isFalse();
    }

    @Test
    void putsTheStackTraceWithItsCausesIntoOneField() throws Exception {
        Exception failure = new IllegalStateException("outer", new UncheckedIOException(new IOException("inner")));

        List<String> lines = LogCapture.run(JSON_XML,
                context -> context.getLogger("io.smsotp.auth.ErrorMapping").error("GET /x failed", failure)).lines();

        assertThat(lines).as("the stack is inside the line, not after it").hasSize(1);
        JsonNode line = MAPPER.readTree(lines.get(0));
        assertThat(line.path("message").asText()).isEqualTo("GET /x failed");
        assertThat(line.path("exception").asText())
                .startsWith("java.lang.IllegalStateException: outer")
                .contains("\tat io.smsotp.logging.JsonLineEncoderTest.putsTheStackTraceWithItsCausesIntoOneField")
                .contains("Caused by: java.io.UncheckedIOException: java.io.IOException: inner")
                .doesNotEndWith("\n");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
