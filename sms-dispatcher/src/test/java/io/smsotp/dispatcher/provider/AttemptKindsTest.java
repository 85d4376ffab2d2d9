package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.smsotp.config.BodyCheck;
import io.smsotp.config.ProviderConfig;
import io.smsotp.events.SmsRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How one try is judged, against a real local server answering each status. */
class AttemptKindsTest {

    HttpServer server;
    final ProviderClient client = new ProviderClient(Duration.ofSeconds(2));
    final SmsRequest request = new SmsRequest("m-1", "c-1", "shop", "+15551234567", "code 123456", Instant.now().plusSeconds(60));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            try (x) {
                x.getRequestBody().readAllBytes();
                int status = Integer.parseInt(x.getRequestURI().getPath().substring(1));
                if (status == 429) {
                    x.getResponseHeaders().add("Retry-After", "12");
                }
                byte[] body = "{\"status\":\"error\"}".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(status, body.length);
                x.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @ParameterizedTest
    @CsvSource({"200,SENT", "202,SENT", "400,PERMANENT", "401,PERMANENT", "404,PERMANENT", "408,RETRYABLE",
            "429,RETRYABLE", "500,RETRYABLE", "502,RETRYABLE", "503,RETRYABLE"})
    void eachStatusIsJudged(int status, Attempt.Kind kind) {
        ProviderConfig p = new ProviderConfig("p", "http://127.0.0.1:" + server.getAddress().getPort() + "/" + status,
                "POST", Map.of("Content-Type", "application/json"), "{\"to\":\"$ctx.num\"}", List.of());
        Attempt a = client.attempt(p, request).join();
        assertThat(a.kind()).isEqualTo(kind);
        assertThat(a.httpStatus()).isEqualTo(status);
        assertThat(a.retryAfter()).isEqualTo(status == 429 ? Duration.ofSeconds(12) : null);
        if (kind != Attempt.Kind.SENT) {
            assertThat(a.reason()).isEqualTo("HTTP " + status + " from p");
        }
    }

    @ParameterizedTest
    @CsvSource({"200"})
    void aSuccessStatusWhoseBodyFailsTheCheckIsPermanentAndNoAnswerIsRetryable(int status) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        ProviderConfig checked = new ProviderConfig("p", base + "/" + status, "GET", null, null, null)
                .withBodyCheck(BodyCheck.jsonEquals("/status", "ok"));
        Attempt a = client.attempt(checked, request).join();
        assertThat(a.kind()).isEqualTo(Attempt.Kind.PERMANENT);
        assertThat(a.reason()).startsWith("HTTP 200 from p but the answer has \"error\" at /status");

        server.stop(0);
        Attempt down = client.attempt(new ProviderConfig("p", base + "/200", "GET", null, null, null), request).join();
        assertThat(down.kind()).isEqualTo(Attempt.Kind.RETRYABLE);
        assertThat(down.httpStatus()).isNull();
        assertThat(down.reason()).isEqualTo("connection refused");
    }
}
