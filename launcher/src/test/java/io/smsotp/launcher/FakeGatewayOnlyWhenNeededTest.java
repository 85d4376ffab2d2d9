package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a real SMS provider configured, the fake gateway and its inbox stay off unless asked for. */
class FakeGatewayOnlyWhenNeededTest {

    @Test
    void withAProviderConfiguredTheGatewayPortStaysClosedAndTheBannerNamesNoInbox() throws Exception {
        int gatewayPort = freePort();
        SmsOtpConfig config = ConfigLoader.parse("""
                auth: {port: 0}
                gateway: {port: %d}
                providers:
                  - {name: real, url: 'http://127.0.0.1:9/send?to=$ctx.num&text=$ctx.msg', method: GET}
                """.formatted(gatewayPort), Map.of());
        Path dataDir = Files.createTempDirectory("smsotp-gateway-off-");
        try (EmbeddedDefault system = EmbeddedDefault.start(config, dataDir, sms -> { }, -1)) {
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), gatewayPort).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(system.config().providers()).extracting(p -> p.name()).containsExactly("real");
            assertThat(banner(system, dataDir)).contains("2FA API").doesNotContain("SMS inbox")
                    .doesNotContain(":" + gatewayPort);
        } finally {
            TestKafka.deleteRecursively(dataDir);
        }
    }

    @Test
    void askedForWithAProviderConfiguredTheGatewayServesItsInboxButIsNoProvider() throws Exception {
        SmsOtpConfig config = ConfigLoader.parse("""
                auth: {port: 0}
                gateway: {port: 0}
                providers:
                  - {name: real, url: 'http://127.0.0.1:9/send?to=$ctx.num&text=$ctx.msg', method: GET}
                """, Map.of());
        Path dataDir = Files.createTempDirectory("smsotp-gateway-asked-");
        try (EmbeddedDefault system = EmbeddedDefault.start(config, dataDir, sms -> { }, -1, true)) {
            String inbox = "http://127.0.0.1:" + system.gateway().port() + "/";
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(inbox)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("SMS inbox");
            assertThat(system.config().providers()).extracting(p -> p.name()).containsExactly("real");
            assertThat(banner(system, dataDir)).contains("SMS inbox").contains(system.gateway().inboxUrl());
        } finally {
            TestKafka.deleteRecursively(dataDir);
        }
    }

    static String banner(EmbeddedDefault system, Path dataDir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Launcher.printWelcome(system, dataDir, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
