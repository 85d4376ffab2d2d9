package io.smsotp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<List<String>> problems = new AtomicReference<>(List.of("Kafka is \"away\""));
    private ServiceMetrics metrics;
    private ManagementServer server;

    @BeforeEach
    void start() {
        metrics = new ServiceMetrics("test-service");
        server = ManagementServer.start("test-service", 0, metrics, problems::get);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    @Test
    void answersReadyOnlyWhileNothingKeepsTheServiceFromWorking() throws Exception {
        HttpResponse<String> down = get(HealthPaths.READY);
        problems.set(List.of());
        HttpResponse<String> up = get(HealthPaths.READY);

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"problems\":[\"Kafka is \\\"away\\\"\"]}");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void isLiveWhetherOrNotReady() throws Exception {
        assertThat(get(HealthPaths.LIVE).statusCode()).isEqualTo(200);
    }

    @Test
    void servesJvmMetricsTaggedWithTheServiceInPrometheusText() throws Exception {
        HttpResponse<String> scrape = get(HealthPaths.METRICS);

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).contains(ServiceMetrics.CONTENT_TYPE);
        assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge", "jvm_threads_live_threads{",
                "jvm_classes_loaded_classes{", "system_cpu_count{", "process_uptime_seconds{",
                "service=\"test-service\"");
    }

    @Test
    void answersNotFoundElsewhereAndRefusesWrites() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(HealthPaths.READY))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(get("/api/v1/challenges").statusCode()).isEqualTo(404);
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
