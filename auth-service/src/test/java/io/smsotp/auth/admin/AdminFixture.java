package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.testsupport.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real auth-service on port 0 with the live configuration on the shared test broker (topics of
 * its own), otp-stream played by {@link InMemoryWriter}, and an HTTP client for its APIs.
 */
final class AdminFixture implements AutoCloseable {

    static final String ADMIN_KEY = "admin-key-0123456789abcdef-0001";
    static final String SECOND_ADMIN_KEY = "admin-key-0123456789abcdef-0002";
    static final String SHOP_KEY = "shop-key-0123456789abcdef";
    static final String TOKEN = "Bearer file-provider-token-5e6f7a";

    /** One HTTP answer, its body read as JSON (null when empty). */
    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    final SmsOtpConfig config;
    final AuthService service;

    AdminFixture() {
        String suffix = TestKafka.uniqueSuffix();
        ProviderConfig provider = new ProviderConfig("file-provider", "http://127.0.0.1:9/send", "POST",
                Map.of("Authorization", TOKEN), "to=$ctx.num&text=$ctx.msg", List.of());
        config = SmsOtpConfig.defaults()
                .withKafka(new KafkaSettings(TestKafka.bootstrapServers(), 1, (short) 1)
                        .withConfigTopics("config-" + suffix, "audit-" + suffix))
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null))
                .withProviders(List.of(provider))
                .withApps(List.of(new AppConfig("shop", "Shop", SHOP_KEY, null)))
                .withAdmin(new AdminSettings(List.of(ADMIN_KEY, SECOND_ADMIN_KEY)))
                .withConfigEncryptionKey(ConfigWriterKafkaTest.KEY);
        service = new AuthService(config, new InMemoryWriter()).start();
    }

    Answer get(String path) {
        return send("GET", path, null, ADMIN_KEY, Map.of());
    }

    Answer post(String path, String body) {
        return send("POST", path, body, ADMIN_KEY, Map.of());
    }

    Answer put(String path, String body, Map<String, String> headers) {
        return send("PUT", path, body, ADMIN_KEY, headers);
    }

    Answer delete(String path, Map<String, String> headers) {
        return send("DELETE", path, null, ADMIN_KEY, headers);
    }

    /** A request with bearer {@code key} (null: no Authorization header). */
    Answer send(String method, String path, String body, String key, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? null : ApiJson.MAPPER.readTree(r.body());
            return new Answer(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        service.stop();
    }
}
