package io.smsotp.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigException;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.events.OtpPolicy;
import io.smsotp.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config export} and {@code config import} against a real broker. */
class ConfigCommandTest {

    @TempDir
    Path dir;
    private SmsOtpConfig config;
    private ConfigFollower follower;

    @BeforeEach
    void setUp() throws Exception {
        String suffix = TestKafka.uniqueSuffix();
        config = SmsOtpConfig.defaults()
                .withKafka(new KafkaSettings(TestKafka.bootstrapServers(), 1, (short) 1)
                        .withConfigTopics("config-" + suffix, "audit-" + suffix))
                .withProviders(List.of(new ProviderConfig("first", "http://first.example/send", "POST",
                        Map.of("Authorization", "Bearer tok-123"), "to=$ctx.num&t=$ctx.msg", List.of())))
                .withApps(List.of(new AppConfig("shop", "Shop", "shop-key-0123456789abcdef", OtpPolicy.DEFAULT)))
                .withConfigEncryptionKey(Base64.getEncoder().encodeToString(new byte[32]));
        follower = new ConfigFollower(config, "test");
        follower.start();
        assertThat(follower.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        new ConfigWriter(config, follower, Clock.systemUTC()).seedIfEmpty();
    }

    @AfterEach
    void tearDown() {
        follower.close();
    }

    @Test
    void anExportImportedWithReplaceBringsTheConfigurationBack() throws Exception {
        Path file = dir.resolve("live.yml");
        ConfigCommand.export(follower, file, System.out, new PrintStream(new ByteArrayOutputStream()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("tok-123").doesNotContain("shop-key-0123456789abcdef")
                .contains("sha256:");
        ConfigWriter writer = new ConfigWriter(config, follower, Clock.systemUTC());
        writer.write("admin:x", List.of(
                new ConfigWriter.Change(ConfigKind.PROVIDER, "first", null, null, ConfigWriter.ANY, "provider.delete"),
                new ConfigWriter.Change(ConfigKind.PROVIDER, "stray", new ProviderConfig("stray", "http://s.example/x",
                        "GET", null, null, null).toTree(), null, ConfigWriter.ABSENT, "provider.create")));

        int changes = ConfigCommand.importFile(config, follower, file, true);

        assertThat(changes).isEqualTo(4);
        assertThat(follower.get().providers()).containsExactlyElementsOf(config.providers());
        assertThat(follower.get().app("shop").orElseThrow().apiKeySha256())
                .isEqualTo(config.apps().get(0).apiKeySha256());
    }

    @Test
    void anImportOfAnotherPartOrABadFieldChangesNothing() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "users: []\n");
        assertThatThrownBy(() -> ConfigCommand.importFile(config, follower, bad, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'users' is not a live part");
        Files.writeString(bad, "providers:\n  - {name: x, url: 'http://x.example', method: PUT}\n");
        assertThatThrownBy(() -> ConfigCommand.importFile(config, follower, bad, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("method");
        assertThat(follower.get().providers()).containsExactlyElementsOf(config.providers());
    }
}
