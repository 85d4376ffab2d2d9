package io.smsotp.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Test
    void refusesToStartWithoutBootstrapServersAndNamesTheKey() {
        SmsOtpConfig config = ConfigLoader.parse("stream: {codeHmacKey: " + KEY + "}", Map.of());

        assertThatThrownBy(() -> Main.requireRunnable(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrapServers");
    }

    @Test
    void refusesToStartWithoutTheCodeHmacKeyAndNamesTheKey() {
        SmsOtpConfig config = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092'}", Map.of());

        assertThatThrownBy(() -> Main.requireRunnable(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream.codeHmacKey");
    }

    @Test
    void refusesToStartWithoutTheSmsEncryptionKeyAndNamesTheKey() {
        SmsOtpConfig config = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092'}",
                Map.of("SMSOTP_STREAM_CODEHMACKEY", KEY));

        assertThatThrownBy(() -> Main.requireRunnable(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smsEncryptionKey");
    }

    @Test
    void refusesToStartWithoutTheCodeEncryptionKeyAndNamesTheKey() {
        SmsOtpConfig config = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092'}",
                Map.of("SMSOTP_STREAM_CODEHMACKEY", KEY, "SMSOTP_SMSENCRYPTIONKEY", KEY));

        assertThatThrownBy(() -> Main.requireRunnable(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("codeEncryptionKey").hasMessageContaining("SMSOTP_CODEENCRYPTIONKEY");
        assertThatThrownBy(() -> new OtpStreamService(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codeEncryptionKey");
    }

    @Test
    void refusesACommitIntervalLongerThanTheTransactionTimeoutAndNamesTheKey() {
        Map<String, String> keys = Map.of("SMSOTP_STREAM_CODEHMACKEY", KEY, "SMSOTP_SMSENCRYPTIONKEY", KEY,
                "SMSOTP_CODEENCRYPTIONKEY", KEY);
        SmsOtpConfig tooLong = ConfigLoader.parse(
                "kafka: {bootstrapServers: 'localhost:9092'}\nstream: {commitInterval: PT11S}", keys);
        SmsOtpConfig withLongerTimeout = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092', "
                + "properties: {producer.transaction.timeout.ms: 30000}}\nstream: {commitInterval: PT11S}", keys);

        assertThatThrownBy(() -> Main.requireRunnable(tooLong)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream.commitInterval").hasMessageContaining("10000 ms");
        assertThat(Main.requireRunnable(withLongerTimeout)).isSameAs(withLongerTimeout);
    }

    @Test
    void theServiceItselfRefusesToBeMadeWithoutEitherKey() {
        SmsOtpConfig noSmsKey = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092'}",
                Map.of("SMSOTP_STREAM_CODEHMACKEY", KEY));
        SmsOtpConfig noHmacKey = ConfigLoader.parse("kafka: {bootstrapServers: 'localhost:9092'}",
                Map.of("SMSOTP_SMSENCRYPTIONKEY", KEY));

        assertThatThrownBy(() -> new OtpStreamService(noSmsKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smsEncryptionKey");
        assertThatThrownBy(() -> new OtpStreamService(noHmacKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.codeHmacKey");
    }

    @Test
    void acceptsAllFourFromTheEnvironment() {
        SmsOtpConfig config = ConfigLoader.parse("{}", Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092",
                "SMSOTP_STREAM_CODEHMACKEY", KEY, "SMSOTP_SMSENCRYPTIONKEY", KEY, "SMSOTP_CODEENCRYPTIONKEY", KEY));

        assertThat(Main.requireRunnable(config).kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.smsCipher()).isNotNull();
        assertThat(config.codeCipher()).isNotNull();
    }

    @Test
    void readsTheConfigFileArgument() {
        assertThat(Main.configPath(new String[0])).isNull();
        assertThat(Main.configPath(new String[] {"--config", "smsotp.yml"})).isEqualTo(Path.of("smsotp.yml"));
        assertThatThrownBy(() -> Main.configPath(new String[] {"--bogus"})).hasMessageContaining("usage");
    }
}
