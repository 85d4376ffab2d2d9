package io.smsotp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.events.OtpCommand;
import io.smsotp.events.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the config says about otp.commands: the key that seals typed codes, and how long the topic keeps them. */
class CommandsTopicConfigTest {

    private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Test
    void theCodeEncryptionKeyIsReadFromTheFileOrEnvironmentAndNeverPrinted() {
        SmsOtpConfig fromFile = ConfigLoader.parse("codeEncryptionKey: '" + KEY + "'", Map.of());
        SmsOtpConfig fromEnv = ConfigLoader.parse("{}", Map.of("SMSOTP_CODEENCRYPTIONKEY", KEY));

        OtpCommand.VerifyCode sealed = fromFile.codeCipher().seal(new OtpCommand.VerifyCode("c", "a", "123456", "r", "i"));
        assertThat(fromEnv.codeCipher().open(sealed)).isEqualTo("123456");
        assertThat(fromFile.toString()).contains("codeEncryptionKey=***").doesNotContain(KEY);
    }

    @Test
    void withoutACodeEncryptionKeyThereIsNoCipher() {
        assertThat(SmsOtpConfig.defaults().codeCipher()).isNull();
        assertThat(SmsOtpConfig.defaults().toString()).contains("codeEncryptionKey=unset");
    }

    @Test
    void aShortOrNonBase64CodeEncryptionKeyStopsTheStartNamingTheKeyNotTheValue() {
        assertThatThrownBy(() -> ConfigLoader.parse("codeEncryptionKey: 'c2hvcnQ='", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("codeEncryptionKey")
                .hasMessageContaining("at least 32 bytes").hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SMSOTP_CODEENCRYPTIONKEY", "not*base64*at*all")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("codeEncryptionKey")
                .hasMessageNotContaining("not*base64");
    }

    @Test
    void otpCommandsKeepsCommandsForOneHourByDefault() {
        KafkaSettings kafka = SmsOtpConfig.defaults().kafka();

        assertThat(kafka.commandsRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(TopicAdmin.commandsTopicConfigs(kafka)).containsEntry("retention.ms", "3600000")
                .containsEntry("segment.ms", "3600000").containsEntry("cleanup.policy", "delete");
    }

    @Test
    void theCommandsRetentionIsAnIsoDurationFromTheFileOrEnvironment() {
        assertThat(ConfigLoader.parse("kafka: {commandsRetention: PT10M}", Map.of()).kafka().commandsRetention())
                .isEqualTo(Duration.ofMinutes(10));
        KafkaSettings fromEnv = ConfigLoader.parse("", Map.of("SMSOTP_KAFKA_COMMANDSRETENTION", "PT15M")).kafka();
        assertThat(TopicAdmin.commandsTopicConfigs(fromEnv)).containsEntry("retention.ms", "900000");
        assertThat(fromEnv.withBootstrapServers("h:9092").commandsRetention()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aCommandsRetentionThatIsNotPositiveOrNotADurationStopsTheStartNamingTheKey() {
        for (String bad : new String[] {"PT0S", "-PT1H", "PT0.0001S", "an hour"}) {
            assertThatThrownBy(() -> ConfigLoader.parse("kafka: {commandsRetention: '" + bad + "'}", Map.of()))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("kafka.commandsRetention");
        }
    }
}
