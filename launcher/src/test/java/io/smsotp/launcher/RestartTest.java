package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartTest {

    @Test
    void pendingChallengeStaysVerifiableAcrossARestartOnTheSameDataDir() throws Exception {
        Path dataDir = Files.createTempDirectory("smsotp-restart-");
        // no apps configured: the launcher makes the demo app and keeps its key in the data dir
        SmsOtpConfig config = ConfigLoader.parse("auth: {port: 0}\ngateway: {port: 0}\n", Map.of());
        String to = "+12125550199";
        String id;
        String code;
        String key;
        try (EmbeddedDefault first = EmbeddedDefault.start(config, dataDir, sms -> { })) {
            EndToEndTest.system = first;
            key = first.generatedApiKey();
            assertThat(key).isNotBlank();
            Http.Answer created = new Http(first.authUrl(), key).createChallenge(to);
            assertThat(created.status()).isEqualTo(201);
            id = created.body().path("id").asText();
            code = EndToEndTest.codeIn(EndToEndTest.awaitSms(to));
        } finally {
            EndToEndTest.system = null;
        }

        try (EmbeddedDefault second = EmbeddedDefault.start(config, dataDir, sms -> { })) {
            assertThat(second.generatedApiKey()).isEqualTo(key);
            Http api = new Http(second.authUrl(), key);
            assertThat(api.get("/api/v1/challenges/" + id).body().path("status").asText()).isEqualTo("pending");
            Http.Answer verified = api.verify(id, code);
            assertThat(verified.status()).isEqualTo(200);
            assertThat(verified.body().path("valid").asBoolean()).isTrue();
        } finally {
            TestKafka.deleteRecursively(dataDir);
        }
    }
}
