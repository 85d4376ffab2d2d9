package io.smsotp.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void isTextUnlessJsonIsAskedFor() {
        assertThat(LogFormat.chosen(new Properties(), Map.of())).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.chosen(new Properties(), Map.of("SMSOTP_LOG_FORMAT", ""))).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.chosen(new Properties(), Map.of("SMSOTP_LOG_FORMAT", "json"))).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.chosen(new Properties(), Map.of("SMSOTP_LOG_FORMAT", " Json\n"))).isEqualTo(LogFormat.JSON);
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment() {
        Properties properties = new Properties();
        properties.setProperty("smsotp.log.format", "text");

        assertThat(LogFormat.chosen(properties, Map.of("SMSOTP_LOG_FORMAT", "json"))).isEqualTo(LogFormat.TEXT);
        properties.setProperty("smsotp.log.format", "JSON");
        assertThat(LogFormat.chosen(properties, Map.of())).isEqualTo(LogFormat.JSON);
    }

    @Test
    void refusesAFormatItDoesNotKnowAndQuotesIt() {
        assertThatThrownBy(() -> LogFormat.parse("logstash"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("must be text or json, not 'logstash'");
        assertThat(LogFormat.JSON.wireName()).isEqualTo("json");
    }
}
