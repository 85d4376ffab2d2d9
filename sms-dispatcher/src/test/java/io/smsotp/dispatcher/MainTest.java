package io.smsotp.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    static final String KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void refusesToStartWithoutTheSmsEncryptionKeyNamingIt() {
        assertThatThrownBy(() -> Main.configFrom(new String[0], Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smsEncryptionKey");
    }

    @Test
    void refusesToStartWithoutBootstrapServersNamingTheKey() {
        assertThatThrownBy(() -> Main.configFrom(new String[0], Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrapServers");
    }

    @Test
    void readsTheConfigFileAndTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smsotp.yaml");
        Files.writeString(file, """
                dispatcher: {groupId: workers, requestTimeout: PT2S}
                providers:
                  - name: sink
                    url: "http://127.0.0.1:9999/send?to=$ctx.num"
                    payload: '{"to":"$ctx.num","text":"$ctx.msg"}'
                    headers: {Content-Type: application/json}
                """);

        var config = Main.configFrom(new String[] {"--config", file.toString()},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "SMSOTP_SMSENCRYPTIONKEY", KEY));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.dispatcher().groupId()).isEqualTo("workers");
        assertThat(config.providers()).extracting(p -> p.name()).containsExactly("sink");
    }

    @Test
    void refusesAnUnknownArgument() {
        assertThatThrownBy(() -> Main.configFrom(new String[] {"--confg", "x"}, Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown argument '--confg'");
    }

    @Test
    void aPresetProviderMissingACredentialStopsTheStartNamingIt() throws Exception {
        Path file = Files.createTempFile("dispatcher", ".yml");
        Files.writeString(file, """
                providers:
                  - {preset: twilio, credentials: {accountSid: AC1}, from: "+15550001111"}
                """);

        assertThatThrownBy(() -> Main.configFrom(new String[] {"--config", file.toString()},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "SMSOTP_SMSENCRYPTIONKEY", KEY)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers[0] (twilio)").hasMessageContaining("credentials.authToken");
    }
}
