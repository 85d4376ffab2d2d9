package io.smsotp.auth.lockout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Account lockout through the hosted login and through the 2FA API, on a service with a short
 * lock (3 wrong codes lock for 2 s) so that the lock's end is seen too.
 */
class LockoutHttpTest {

    static final String API_KEY = "lockout-api-key-0123456789";
    static final String SECRET = "lockout-client-secret-0123";
    static final URI CALLBACK = URI.create("http://localhost:9999/cb");

    @TempDir
    Path dataDir;
    InMemoryWriter writer;
    AuthService service;
    String base;
    /** The browser the helpers use; a test may switch to another one (its own cookies). */
    HttpClient http = newBrowser();

    static HttpClient newBrowser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @BeforeEach
    void start() {
        SmsOtpConfig config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString())
                        .withLockout(new AuthSettings.Lockout(3, Duration.ofSeconds(2), Duration.ofSeconds(8))))
                .withApps(List.of(new AppConfig("shop", "Shop", API_KEY, null, List.of(CALLBACK.toString()), SECRET,
                        null, null, null, null, null, null)))
                .withUsers(List.of(new UserConfig("alice", "alice-password-1", null,
                        new UserConfig.Claims("+15551234567", false, null))));
        writer = new InMemoryWriter();
        service = AuthService.withLogin(config, writer).start();
        base = service.issuer();
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    @Test
    void wrongCodesAcrossLoginsLockTheAccountForRightAndWrongCodesAlikeUntilTheLockEnds() throws Exception {
        String page = toCodePage();
        page = post(ApiPaths.LOGIN_OTP, page, Map.of("code", "111111", "action", "continue")).body();
        page = post(ApiPaths.LOGIN_OTP, page, Map.of("code", "111111", "action", "continue")).body();
        assertThat(page).contains("That code is not right. 3 attempts left.");

        // a new login: its challenge is fresh, the account's count is not
        page = toCodePage();
        HttpResponse<String> locking = post(ApiPaths.LOGIN_OTP, page, Map.of("code", "111111", "action", "continue"));
        assertThat(locking.statusCode()).isEqualTo(403);
        assertThat(locking.body()).contains("Account locked");

        // while locked: the password step says so, and no code is sent
        int sent = writer.created().size();
        HttpResponse<String> again = password(openLogin());
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.body()).contains("This account is locked").doesNotContain("otp-form");
        assertThat(writer.created()).hasSize(sent);

        // the lock ends; the right code logs in and the count starts again
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> password(openLogin()).statusCode() == 200);
        HttpResponse<String> done = post(ApiPaths.LOGIN_OTP, toCodePage(),
                Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(done.statusCode()).isEqualTo(303);
    }

    @Test
    void aLockedAccountGetsTheSameOnCodePageForARightAndAWrongCode() throws Exception {
        String page = toCodePage();
        for (int i = 0; i < 2; i++) {
            page = post(ApiPaths.LOGIN_OTP, page, Map.of("code", "111111", "action", "continue")).body();
        }
        // the account is locked from another browser meanwhile (one more failure there)
        HttpClient first = http;
        http = newBrowser();
        HttpResponse<String> locking = post(ApiPaths.LOGIN_OTP, toCodePage(), Map.of("code", "111111", "action", "continue"));
        assertThat(locking.body()).contains("Account locked");
        http = first;

        HttpResponse<String> right = post(ApiPaths.LOGIN_OTP, page, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(right.statusCode()).isEqualTo(403);
        assertThat(right.body()).contains("Account locked");
    }

    @Test
    void theApiLocksAUserItNamesAfterWrongCodesAcrossChallengesAndAnswers429Alike() throws Exception {
        String first = create("u-1");
        verify(first, "111111");
        verify(first, "111111");
        String second = create("u-1");
        assertThat(verify(second, "111111").get("valid").asBoolean()).isFalse();

        HttpResponse<String> right = verifyRaw(second, InMemoryWriter.CODE);
        HttpResponse<String> wrong = verifyRaw(second, "111111");
        for (HttpResponse<String> r : List.of(right, wrong)) {
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(ApiJson.MAPPER.readTree(r.body()).get("error").asText()).isEqualTo("account_locked");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        assertThat(createRaw("u-1").statusCode()).as("no SMS for a locked account either").isEqualTo(429);
        assertThat(createRaw("u-2").statusCode()).as("another user of the app is not locked").isEqualTo(201);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> verifyRaw(second, InMemoryWriter.CODE).statusCode() == 200);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private String create(String user) throws Exception {
        HttpResponse<String> r = createRaw(user);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiJson.MAPPER.readTree(r.body()).get("id").asText();
    }

    private HttpResponse<String> createRaw(String user) throws Exception {
        return api(ApiPaths.CHALLENGES, "{\"to\":\"+15551234567\",\"user\":\"" + user + "\"}");
    }

    private JsonNode verify(String id, String code) throws Exception {
        HttpResponse<String> r = verifyRaw(id, code);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiJson.MAPPER.readTree(r.body());
    }

    private HttpResponse<String> verifyRaw(String id, String code) throws Exception {
        return api(ApiPaths.verify(id), "{\"code\":\"" + code + "\"}");
    }

    private HttpResponse<String> api(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String openLogin() throws Exception {
        // PKCE as every client must send it; these logins never reach the token endpoint
        String challenge = CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier()).getValue();
        String authorize = base + "/oauth2/authorize?response_type=code&scope=openid&client_id=shop&state=s&redirect_uri="
                + URLEncoder.encode(CALLBACK.toString(), StandardCharsets.UTF_8)
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        return http.send(HttpRequest.newBuilder(URI.create(authorize)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> password(String page) throws Exception {
        return post(ApiPaths.LOGIN_PASSWORD, page, Map.of("username", "alice", "password", "alice-password-1"));
    }

    private String toCodePage() throws Exception {
        HttpResponse<String> r = password(openLogin());
        assertThat(r.body()).contains("otp-form");
        return r.body();
    }

    private HttpResponse<String> post(String path, String page, Map<String, String> fields) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(page);
        while (m.find()) {
            form.putIfAbsent(m.group(1), m.group(2));
        }
        form.putAll(fields);
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
