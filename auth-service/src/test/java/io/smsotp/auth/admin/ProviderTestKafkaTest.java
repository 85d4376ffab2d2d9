package io.smsotp.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AdminFixture.Answer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /admin/api/v1/providers/{name}/test} against a real HTTP server playing the
 * provider: the SMS is sent as the dispatcher would send it, and the answer tells the status, the
 * body check's verdict and the latency.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderTestKafkaTest {

    private AdminFixture admin;
    private HttpServer provider;
    /** Each request body the provider received, form-decoded. */
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws IOException {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/ok", exchange -> answer(exchange, 200, "{\"status\": \"queued\"}"));
        provider.createContext("/refused", exchange -> answer(exchange, 200, "{\"status\": \"rejected\"}"));
        provider.createContext("/down", exchange -> answer(exchange, 503, "busy"));
        provider.start();
        admin = new AdminFixture();
        for (String path : List.of("ok", "refused", "down")) {
            Answer created = admin.post(ApiPaths.ADMIN_PROVIDERS, """
                    {"name": "%s", "url": "http://127.0.0.1:%d/%s", "method": "POST",
                     "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                     "payload": "to=$ctx.num&text=$ctx.msg",
                     "bodyCheck": {"jsonPointer": "/status", "expected": "queued"}}"""
                    .formatted(path, provider.getAddress().getPort(), path));
            assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        }
    }

    private void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        received.add(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                StandardCharsets.UTF_8));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    void stop() {
        admin.close();
        provider.stop(0);
    }

    private Answer test(String name, String body, String key) {
        return admin.send("POST", ApiPaths.adminProvider(name) + "/test", body, key, Map.of());
    }

    @Test
    void aTestSmsReachesTheProviderAndTheAnswerTellsStatusBodyCheckAndLatency() {
        Answer sent = test("ok", "{\"to\": \"+1 555 123 4567\", \"text\": \"hello from the console\"}",
                AdminFixture.ADMIN_KEY);
        Answer refused = test("refused", "{\"to\": \"+15551234567\"}", AdminFixture.ADMIN_KEY);
        Answer down = test("down", "{\"to\": \"+15551234567\"}", AdminFixture.ADMIN_KEY);

        assertThat(sent.status()).as(sent.raw().body()).isEqualTo(200);
        assertThat(sent.body().path("provider").asText()).isEqualTo("ok");
        assertThat(sent.body().path("sent").asBoolean()).isTrue();
        assertThat(sent.body().path("status").asInt()).isEqualTo(200);
        assertThat(sent.body().path("bodyCheck").asText()).isEqualTo("passed");
        assertThat(sent.body().path("latencyMs").isIntegralNumber()).isTrue();
        assertThat(sent.body().path("latencyMs").asLong()).isBetween(0L, 5000L);
        assertThat(sent.body().get("reason").isNull()).isTrue();
        assertThat(received).contains("to=+15551234567&text=hello from the console",
                "to=+15551234567&text=" + ProviderTester.DEFAULT_TEXT);

        assertThat(refused.body().path("sent").asBoolean()).isFalse();
        assertThat(refused.body().path("status").asInt()).isEqualTo(200);
        assertThat(refused.body().path("bodyCheck").asText()).isEqualTo("failed");
        assertThat(refused.body().path("reason").asText()).contains("/status");

        assertThat(down.body().path("sent").asBoolean()).isFalse();
        assertThat(down.body().path("status").asInt()).isEqualTo(503);
        assertThat(down.body().path("bodyCheck").asText()).isEqualTo("none");
        assertThat(down.body().path("reason").asText()).contains("HTTP 503");
    }

    @Test
    void aProviderThatDoesNotAnswerIsReportedWithoutAStatus() {
        Answer created = admin.post(ApiPaths.ADMIN_PROVIDERS, """
                {"name": "nowhere", "url": "http://127.0.0.1:9/send", "method": "GET"}""");
        assertThat(created.status()).isEqualTo(201);

        Answer a = test("nowhere", "{\"to\": \"+15551234567\"}", AdminFixture.ADMIN_KEY);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("sent").asBoolean()).isFalse();
        assertThat(a.body().get("status").isNull()).isTrue();
        assertThat(a.body().path("bodyCheck").asText()).isEqualTo("none");
        assertThat(a.body().path("reason").asText()).isNotBlank();
    }

    @Test
    void aNumberThatIsNotE164IsRefusedAndSendsNothing() {
        int before = received.size();

        Answer local = test("ok", "{\"to\": \"0555 123 4567\"}", AdminFixture.ADMIN_KEY);
        Answer missing = test("ok", "{\"text\": \"hi\"}", AdminFixture.ADMIN_KEY);

        assertThat(local.status()).isEqualTo(400);
        assertThat(local.body().path("message").asText()).contains("'to'");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("message").asText()).contains("'to'");
        assertThat(received).hasSize(before);
    }

    @Test
    void theSixthTestSmsOfAnAdminInAMinuteIsRefusedWith429() {
        // the second admin key: the other tests' sends count against the first
        String key = AdminFixture.SECOND_ADMIN_KEY;
        for (int i = 0; i < ProviderTester.PER_MINUTE; i++) {
            assertThat(test("ok", "{\"to\": \"+15551234567\"}", key).status()).isEqualTo(200);
        }
        int before = received.size();

        Answer sixth = test("ok", "{\"to\": \"+15551234567\"}", key);

        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.body().path("error").asText()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(sixth.header("Retry-After"))).isBetween(1, 61);
        assertThat(received).hasSize(before);
    }
}
