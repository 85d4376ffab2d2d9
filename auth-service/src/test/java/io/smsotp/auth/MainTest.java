package io.smsotp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    private static final String CODE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final String APPS = "apps:\n  - id: demo\n    apiKey: a-long-random-key-123\n";

    @Test
    void readsTheConfigFileArgument() {
        assertThat(Main.configFile(new String[] {"--config", "smsotp.yaml"})).isEqualTo(Path.of("smsotp.yaml"));
        assertThat(Main.configFile(new String[] {"--config=other.yaml"})).isEqualTo(Path.of("other.yaml"));
        assertThat(Main.configFile(new String[0])).isNull();
    }

    @Test
    void refusesUnknownArguments() {
        assertThatThrownBy(() -> Main.configFile(new String[] {"--port", "8080"}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> Main.configFile(new String[] {"--config"}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("usage: auth-service [--config FILE]");
    }

    @Test
    void refusesToStartWithoutBootstrapServers() {
        SmsOtpConfig config = ConfigLoader.parse(APPS, Map.of());

        assertThatThrownBy(() -> Main.requireRunnable(config))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrapServers");
    }

    @Test
    void refusesToStartWithoutApplications() {
        SmsOtpConfig config = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092'}", Map.of());

        assertThatThrownBy(() -> Main.requireRunnable(config))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apps");
    }

    @Test
    void refusesToStartWithoutTheCodeEncryptionKeyAndNamesTheKey() {
        SmsOtpConfig config = ConfigLoader.parse(APPS, Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));

        assertThatThrownBy(() -> Main.requireRunnable(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("codeEncryptionKey").hasMessageContaining("SMSOTP_CODEENCRYPTIONKEY");
        assertThatThrownBy(() -> AuthService.withKafka(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codeEncryptionKey");
    }

    @Test
    void acceptsBrokerFromTheEnvironmentAndAnApplication() {
        SmsOtpConfig config = ConfigLoader.parse(APPS, Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092",
                "SMSOTP_CODEENCRYPTIONKEY", CODE_KEY));

        Main.requireRunnable(config);
        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    }

    @Test
    void aPresetProviderMissingACredentialIsRefusedBeforeItCouldBeSeeded() {
        SmsOtpConfig config = ConfigLoader.parse(APPS + """
                providers:
                  - {preset: vonage, credentials: {apiKey: k}, from: Shop}
                """, Map.of());

        assertThatThrownBy(() -> AuthConfig.of(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers[0]").hasMessageContaining("credentials.apiSecret");
    }
}
