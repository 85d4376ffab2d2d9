package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.events.OtpPolicy;
import io.smsotp.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A restart keeps every change made to the live configuration, whatever the file says, and the
 * launcher's own entries follow the ports of the new run.
 */
class LiveConfigRestartTest {

    @Test
    void aRestartKeepsEveryChangeAndTheFileNoLongerDecides() throws Exception {
        Path dataDir = Files.createTempDirectory("smsotp-live-restart-");
        SmsOtpConfig config = ConfigLoader.parse("auth: {port: 0}\ngateway: {port: 0}\n", Map.of());
        String laterKey = "later-app-key-0123456789";
        try {
            int firstGatewayPort;
            try (EmbeddedDefault first = EmbeddedDefault.start(config, dataDir, sms -> { })) {
                firstGatewayPort = first.gateway().port();
                ConfigWriter writer = first.auth().configWriter();
                LiveConfig live = first.auth().liveConfig();
                assertThat(live.fromTopic()).isTrue();
                ObjectNode limits = (ObjectNode) ConfigLoader.treeOf(live.rateLimits());
                ((ObjectNode) limits.get("perNumber")).put("max", 3);
                writer.write("admin:test", List.of(
                        new ConfigWriter.Change(ConfigKind.APP, "later", ConfigLoader.treeOf(new AppConfig("later",
                                "Later", "sha256:" + AdminSettings.sha256Hex(laterKey), OtpPolicy.DEFAULT)), null,
                                ConfigWriter.ABSENT, "app.create"),
                        new ConfigWriter.Change(ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL, limits, null,
                                ConfigWriter.ANY, "rateLimits.replace")));
            }

            try (EmbeddedDefault second = EmbeddedDefault.start(config, dataDir, sms -> { })) {
                LiveConfig live = second.auth().liveConfig();
                assertThat(live.app("later")).isPresent();
                assertThat(live.rateLimits().perNumber().max()).isEqualTo(3);
                // the fake gateway listens on another port now (port 0), and the live provider follows it
                await().atMost(Duration.ofSeconds(5)).until(() -> second.auth().liveConfig().providers().get(0).url()
                        .contains(":" + second.gateway().port() + "/"));
                String to = "+12125550144";
                Http api = new Http(second.authUrl(), laterKey);
                assertThat(api.createChallenge(to).status()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(20)).until(() -> !second.gateway().messagesTo(to).isEmpty());
                await().atMost(Duration.ofSeconds(5)).until(() -> second.auth().auditTrail().size() >= 3);
                List<AuditRecord> audit = second.auth().auditTrail().list(null, 0, 100);
                assertThat(audit).extracting(AuditRecord::action)
                        .contains("app.create", "rateLimits.replace", "provider.launcherPort");
                assertThat(audit.toString()).doesNotContain(laterKey);
            }
        } finally {
            TestKafka.deleteRecursively(dataDir);
        }
    }
}
