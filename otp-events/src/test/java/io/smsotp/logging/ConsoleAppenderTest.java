package io.smsotp.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console appender every service's logback.xml includes: text unless {@code smsotp.log.format}
 * (or SMSOTP_LOG_FORMAT, read the same way) says json; configured without a warning either way,
 * since a warning makes logback print its whole status at every start.
 */
class ConsoleAppenderTest {

    /** A service's logback.xml, as shipped (auth-service's, less its Jetty line). */
    static final String SERVICE_XML = """
            <configuration>
              <include resource="io/smsotp/logging/console-appender.xml"/>
              <root level="INFO">
                <appender-ref ref="console"/>
              </root>
            </configuration>
            """;

    @AfterEach
    void clearProperty() {
        System.clearProperty(LogFormat.PROPERTY);
    }

    @Test
    void textIsTheDefaultWithTimeThreadLevelLoggerAndMessage() throws Exception {
        assertThat(System.getenv(LogFormat.ENV)).as("the default shows only where SMSOTP_LOG_FORMAT is not set").isNull();

        LogCapture.Output out = LogCapture.run(SERVICE_XML, context -> context
                .getLogger("io.smsotp.stream.OtpStreamService").info("otp-stream {} -> {}", "REBALANCING", "RUNNING"));

        assertThat(out.statuses()).noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(out.lines()).singleElement().asString().matches(
                "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\[main\\] INFO OtpStreamService - otp-stream REBALANCING -> RUNNING");
    }

    @Test
    void theSystemPropertyTurnsEveryLineIntoOneJsonObject() throws Exception {
        System.setProperty(LogFormat.PROPERTY, "json");

        LogCapture.Output out = LogCapture.run(SERVICE_XML, context -> {
            context.getLogger("io.smsotp.auth.AuthService").info("auth-service listening on {}", "http://127.0.0.1:8080");
            context.getLogger("io.smsotp.auth.AuthService").debug("below the level: not written");
            context.getLogger("io.smsotp.auth.ErrorMapping").error("POST /x failed", new IllegalStateException("boom"));
        });

        assertThat(out.statuses()).noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(out.lines()).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(out.lines().get(0));
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("logger").asText()).isEqualTo("io.smsotp.auth.AuthService");
        assertThat(first.path("message").asText()).isEqualTo("auth-service listening on http://127.0.0.1:8080");
        JsonNode second = new ObjectMapper().readTree(out.lines().get(1));
        assertThat(second.path("exception").asText()).startsWith("java.lang.IllegalStateException: boom");
    }

    @Test
    void aFormatItDoesNotKnowKeepsTextAndSaysSo() throws Exception {
        System.setProperty(LogFormat.PROPERTY, "xml");

        LogCapture.Output out = LogCapture.run(SERVICE_XML,
                context -> context.getLogger("io.smsotp.x.Y").warn("still logged"));

        assertThat(out.lines()).singleElement().asString().endsWith(" WARN Y - still logged");
        assertThat(out.statuses()).anySatisfy(s -> {
            assertThat(s.getLevel()).isEqualTo(Status.WARN);
            assertThat(s.getMessage()).contains("smsotp.log.format").contains("not 'xml'").contains("logging as text");
        });
    }

    @Test
    void aFormatNamedInTheConfigurationWinsOverTheProperty() throws Exception {
        System.setProperty(LogFormat.PROPERTY, "text");
        String xml = """
                <configuration>
                  <appender name="file" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder class="io.smsotp.logging.LogLineEncoder"><format>JSON</format></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="file"/></root>
                </configuration>
                """;

        LogCapture.Output out = LogCapture.run(xml, context -> context.getLogger("a.B").info("hello"));

        assertThat(out.statuses()).noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(new ObjectMapper().readTree(out.lines().get(0)).path("message").asText()).isEqualTo("hello");
    }
}
