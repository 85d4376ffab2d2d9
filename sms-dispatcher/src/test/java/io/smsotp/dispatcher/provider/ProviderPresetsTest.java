package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smsotp.config.ProviderConfig;
import io.smsotp.events.Json;
import io.smsotp.events.SmsRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each preset sends exactly the request its provider's API takes: a strict local server checks
 * the method, path, headers and every body field (decoded as the provider would) and refuses
 * anything else with 400. The texts carry {@code & + " # =}, a newline and non-ASCII.
 */
class ProviderPresetsTest {

    static final String TEXT = "482913 is your Grüße & Co \"code\" #1 a=b+c\nline2 ✓";
    static final SmsRequest REQUEST = new SmsRequest("msg-7f3a", "ch-1", "shop", "+447700900123", TEXT,
            Instant.now().plusSeconds(300));

    /** What the strict server expects, and what it answers when the request is exactly that. */
    record Expectation(String method, String path, Map<String, String> headers, Function<byte[], String> bodyProblem,
                       int status, String answer) {
    }

    final List<String> problems = new CopyOnWriteArrayList<>();
    HttpServer server;
    final ProviderClient client = new ProviderClient(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop(0);
        }
    }

    String serve(Expectation e) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        server.createContext("/", exchange -> answer(exchange, e));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange x, Expectation e) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            String problem = null;
            if (!x.getRequestMethod().equals(e.method())) {
                problem = "method " + x.getRequestMethod();
            } else if (!x.getRequestURI().getRawPath().equals(e.path()) || x.getRequestURI().getRawQuery() != null) {
                problem = "path " + x.getRequestURI();
            } else {
                for (Map.Entry<String, String> h : e.headers().entrySet()) {
                    String actual = x.getRequestHeaders().getFirst(h.getKey());
                    if (actual == null || !actual.startsWith(h.getValue())) {
                        problem = "header " + h.getKey() + "=" + actual;
                    }
                }
                if (problem == null) {
                    problem = e.bodyProblem().apply(body);
                }
            }
            byte[] out = (problem == null ? e.answer() : "{\"error\":\"bad request\"}").getBytes(StandardCharsets.UTF_8);
            if (problem != null) {
                problems.add(problem);
            }
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(problem == null ? e.status() : 400, out.length);
            x.getResponseBody().write(out);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> form(byte[] body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return fields;
    }

    static Function<byte[], String> formEquals(Map<String, String> expected) {
        return body -> {
            // form bodies are ASCII on the wire: everything else is percent-encoded
            for (byte b : body) {
                if (b < 0x20 || b > 0x7e) {
                    return "a raw byte " + b + " in a form body";
                }
            }
            Map<String, String> actual = form(body);
            return actual.equals(expected) ? null : "form " + actual.keySet();
        };
    }

    static Function<byte[], String> jsonEquals(String expectedJson) {
        return body -> {
            try {
                JsonNode actual = Json.MAPPER.readTree(body);
                return actual.equals(Json.MAPPER.readTree(expectedJson)) ? null : "json " + actual;
            } catch (IOException ex) {
                return "not JSON";
            }
        };
    }

    private static ProviderConfig preset(String name, String baseUrl, Map<String, String> credentials, String from) {
        return ProviderPresets.expand(given(name, baseUrl, credentials, from));
    }

    private static ProviderConfig given(String name, String baseUrl, Map<String, String> credentials, String from) {
        return new ProviderConfig(null, null, null, null, null, null, name, baseUrl, credentials, from, null, null, null);
    }

    @Test
    void theConfigurationKeepsAPresetProviderAsGivenSoThatNewCredentialsMakeNewHeaders() {
        ProviderConfig twilio = given("twilio", null, Map.of("accountSid", "AC123", "authToken", "old-token"),
                "+15550001111");

        com.fasterxml.jackson.databind.node.ObjectNode tree = twilio.toTree();

        assertThat(tree.has("url")).isFalse();
        assertThat(tree.has("headers") && !tree.get("headers").isEmpty()).isFalse();
        assertThat(io.smsotp.config.ConfigLoader.bindPart(tree, ProviderConfig.class)).isEqualTo(twilio);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("credentials")).put("authToken", "new-token");
        ProviderConfig rotated = io.smsotp.config.ConfigLoader.bindPart(tree, ProviderConfig.class);
        assertThat(ProviderPresets.expand(rotated).header("Authorization"))
                .isNotEqualTo(ProviderPresets.expand(twilio).header("Authorization"));
        assertThat(ProviderPresets.expand(rotated).url()).contains("/Accounts/AC123/");
    }

    private Attempt send(ProviderConfig provider) {
        return client.attempt(provider, REQUEST).join();
    }

    @Test
    void twilioPostsFormFieldsToTheAccountsMessagesWithBasicAuthAndAnswers201() {
        String base = serve(new Expectation("POST", "/2010-04-01/Accounts/AC123/Messages.json",
                Map.of("Authorization", basic("AC123", "tok-9"), "Content-Type", "application/x-www-form-urlencoded"),
                formEquals(Map.of("To", "+447700900123", "From", "+15005550006", "Body", TEXT)), 201,
                "{\"sid\":\"SM1\",\"status\":\"queued\"}"));

        Attempt a = send(preset("twilio", base, Map.of("accountSid", "AC123", "authToken", "tok-9"), "+15005550006"));

        assertThat(problems).isEmpty();
        assertThat(a.kind()).isEqualTo(Attempt.Kind.SENT);
        assertThat(a.httpStatus()).isEqualTo(201);
    }

    @Test
    void vonagePostsKeySecretAndTheNumberWithoutPlusAndOnlyStatus0CountsAsSent() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("api_key", "key1");
        fields.put("api_secret", "s&cret");
        fields.put("from", "Shop");
        fields.put("to", "447700900123");
        fields.put("text", TEXT);
        fields.put("type", "unicode");
        fields.put("client-ref", "msg-7f3a");
        String base = serve(new Expectation("POST", "/sms/json",
                Map.of("Content-Type", "application/x-www-form-urlencoded"), formEquals(fields), 200,
                "{\"message-count\":\"1\",\"messages\":[{\"status\":\"0\",\"message-id\":\"0A1\"}]}"));
        ProviderConfig vonage = preset("vonage", base, Map.of("apiKey", "key1", "apiSecret", "s&cret"), "Shop");

        assertThat(send(vonage).kind()).isEqualTo(Attempt.Kind.SENT);
        assertThat(problems).isEmpty();
    }

    @Test
    void vonagesOkWithAnErrorInsideIsAPermanentFailureOfTheBodyCheck() {
        String base = serve(new Expectation("POST", "/sms/json", Map.of(), body -> null, 200,
                "{\"message-count\":\"1\",\"messages\":[{\"status\":\"4\",\"error-text\":\"Bad Credentials\"}]}"));

        Attempt a = send(preset("vonage", base, Map.of("apiKey", "k", "apiSecret", "s"), "Shop"));

        assertThat(a.kind()).isEqualTo(Attempt.Kind.PERMANENT);
        assertThat(a.reason()).contains("HTTP 200").contains("\"4\"").contains("/messages/0/status")
                .doesNotContain("Bad Credentials");
    }

    @Test
    void bulksmsPostsJsonWithBasicAuth() {
        String base = serve(new Expectation("POST", "/v1/messages",
                Map.of("Authorization", basic("user1", "pw:1"), "Content-Type", "application/json"),
                jsonEquals(json(Map.of("to", "+447700900123", "body", TEXT, "encoding", "UNICODE", "from", "Shop"))),
                201, "[{\"id\":\"1\",\"type\":\"SENT\"}]"));

        assertThat(send(preset("bulksms", base, Map.of("username", "user1", "password", "pw:1"), "Shop")).kind())
                .isEqualTo(Attempt.Kind.SENT);
        assertThat(problems).isEmpty();
    }

    @Test
    void clickatellPostsJsonWithTheApiKeyAsAuthorizationAndNeedsAccepted() {
        String base = serve(new Expectation("POST", "/messages",
                Map.of("Authorization", "ck-key==", "Content-Type", "application/json", "Accept", "application/json"),
                jsonEquals("{\"content\":" + quote(TEXT) + ",\"to\":[\"447700900123\"]}"), 202,
                "{\"messages\":[{\"apiMessageId\":\"a1\",\"accepted\":true,\"to\":\"447700900123\"}]}"));

        assertThat(send(preset("clickatell", base, Map.of("apiKey", "ck-key=="), null)).kind())
                .isEqualTo(Attempt.Kind.SENT);
        assertThat(problems).isEmpty();
    }

    @Test
    void clickatellRefusingTheMessageInsideA202IsPermanent() {
        String base = serve(new Expectation("POST", "/messages", Map.of(), body -> null, 202,
                "{\"messages\":[{\"accepted\":false,\"errorCode\":105}]}"));
        assertThat(send(preset("clickatell", base, Map.of("apiKey", "k"), null)).kind())
                .isEqualTo(Attempt.Kind.PERMANENT);
    }

    @Test
    void plivoPostsJsonToTheAccountsMessageWithBasicAuthAndAnswers202() {
        String base = serve(new Expectation("POST", "/v1/Account/MA123/Message/",
                Map.of("Authorization", basic("MA123", "tok"), "Content-Type", "application/json"),
                jsonEquals("{\"src\":\"+15005550006\",\"dst\":\"447700900123\",\"text\":" + quote(TEXT) + "}"), 202,
                "{\"message\":\"message(s) queued\",\"message_uuid\":[\"db3ce55a\"],\"api_id\":\"db342550\"}"));

        assertThat(send(preset("plivo", base, Map.of("authId", "MA123", "authToken", "tok"), "+15005550006")).kind())
                .isEqualTo(Attempt.Kind.SENT);
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"twilio", "vonage", "bulksms", "clickatell", "plivo"})
    void eachPresetTalksToTheRealApiHostUnlessABaseUrlIsGiven(String name) {
        Map<String, String> creds = Map.of("accountSid", "a", "authToken", "b", "apiKey", "c", "apiSecret", "d",
                "username", "e", "password", "f", "authId", "g");
        ProviderConfig p = preset(name, null, creds, "Shop");
        assertThat(p.url()).matches("https://(api\\.twilio\\.com|rest\\.nexmo\\.com|api\\.bulksms\\.com"
                + "|platform\\.clickatell\\.com|api\\.plivo\\.com)/.*");
        assertThat(p.name()).isEqualTo(name);
        assertThat(p.toString()).doesNotContain("Basic ");
    }

    @Test
    void aPresetNamesWhatItLacks() {
        assertThatThrownBy(() -> preset("twilio", null, Map.of("accountSid", "a"), "+1555"))
                .hasMessageContaining("credentials.authToken");
        assertThatThrownBy(() -> preset("plivo", null, Map.of("authId", "a", "authToken", "b"), null))
                .hasMessageContaining("from");
        assertThatThrownBy(() -> preset("sendgrid", null, Map.of(), null)).hasMessageContaining("preset must be one of");
        assertThatThrownBy(() -> new ProviderConfig(null, "http://x", null, null, null, null, "twilio", null,
                Map.of("accountSid", "a", "authToken", "b"), "+1", null, null, null)).hasMessageContaining("a preset sets url");
        assertThatThrownBy(() -> preset("clickatell", null, Map.of("apiKey", "$ctx.msg"), null))
                .hasMessageContaining("without $ctx.");
    }

    private static String json(Map<String, String> fields) {
        try {
            return Json.MAPPER.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
