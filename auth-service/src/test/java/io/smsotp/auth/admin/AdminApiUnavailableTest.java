package io.smsotp.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A service without configEncryptionKey has no live configuration: every admin route says so with a 503. */
class AdminApiUnavailableTest {

    private static final String ADMIN_KEY = "admin-key-0123456789abcdef-0001";
    private final HttpClient http = HttpClient.newHttpClient();
    private AuthService service;

    @BeforeEach
    void start() {
        SmsOtpConfig config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null))
                .withApps(List.of(new AppConfig("shop", null, "shop-key-0123456789abcdef", null)))
                .withAdmin(new AdminSettings(List.of(ADMIN_KEY)));
        service = new AuthService(config, new InMemoryWriter()).start();
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    @ParameterizedTest
    @CsvSource({"GET, /providers", "POST, /providers", "PUT, /providers/first", "DELETE, /apps/shop",
            "POST, /apps/shop/rotate-key", "PUT, /rate-limits", "GET, /audit", "GET, /users", "GET, /openapi.json",
            "GET, /no-such-thing"})
    void everyAdminRouteAnswers503SayingWhatIsMissing(String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + ApiPaths.ADMIN_API + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode body = ApiJson.MAPPER.readTree(r.body());
        assertThat(body.path("error").asText()).isEqualTo("unavailable");
        assertThat(body.path("message").asText()).isEqualTo(AdminApi.UNAVAILABLE).contains("configEncryptionKey");
        assertThat(service.configWriter()).isNull();
        assertThat(service.adminServices()).isNull();
    }
}
