package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.smsotp.config.ProviderConfig;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers are reached over HTTPS: a real TLS server (a certificate made for this test by the
 * JDK's keytool), calls in parallel so that several connections shake hands at once, and a
 * certificate the client does not trust.
 */
class ProviderClientTlsTest {

    static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;
    HttpsServer server;
    final ExecutorService serverThreads = Executors.newFixedThreadPool(4);
    KeyStore keys;
    final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        Path store = dir.resolve("provider.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "provider", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool ended").isTrue();
        assertThat(keytool.exitValue()).as("keytool: " + out).isZero();
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.setExecutor(serverThreads);
        server.createContext("/send", x -> {
            try (x) {
                bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                x.sendResponseHeaders(202, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    ProviderConfig provider() {
        return new ProviderConfig("secure", "https://127.0.0.1:" + server.getAddress().getPort() + "/send", "POST",
                Map.of("Content-Type", "application/json"), "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\"}", List.of());
    }

    static SmsRequest request(int i) {
        return new SmsRequest("m-" + i, "c-" + i, "shop", "+1555123" + (4000 + i), "code " + (100000 + i),
                Instant.now().plusSeconds(60));
    }

    @Test
    void sendsOverTlsToAProviderItTrusts() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
        try (ProviderClient client = new ProviderClient(Duration.ofSeconds(10), trusting)) {
            List<CompletableFuture<SendResult>> calls = IntStream.range(0, 24)
                    .mapToObj(i -> client.send(provider(), request(i))).toList();
            for (CompletableFuture<SendResult> call : calls) {
                SendResult result = call.get(30, TimeUnit.SECONDS);
                assertThat(result.delivery()).as(result.reason()).isEqualTo(Delivery.SENT);
                assertThat(result.httpStatus()).isEqualTo(202);
            }
        }
        assertThat(bodies).hasSize(24);
        assertThat(bodies).contains("{\"to\":\"+15551234007\",\"text\":\"code 100007\"}");
    }

    @Test
    void aCertificateItDoesNotTrustFailsTheSendWithATlsReason() throws Exception {
        // the JVM's own trust store, as in production: a self-made certificate is not in it
        try (ProviderClient client = new ProviderClient(Duration.ofSeconds(10))) {
            SendResult result = client.send(provider(), request(1)).get(30, TimeUnit.SECONDS);
            assertThat(result.delivery()).isEqualTo(Delivery.FAILED);
            assertThat(result.httpStatus()).isNull();
            assertThat(result.reason()).startsWith("TLS failure");
        }
        assertThat(bodies).as("nothing reached the provider").isEmpty();
    }
}
