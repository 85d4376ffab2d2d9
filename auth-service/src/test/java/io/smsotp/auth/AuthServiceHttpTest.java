package io.smsotp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpPolicy;
import io.smsotp.testsupport.CaseChanges;
import io.smsotp.testsupport.OneConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The 2FA API over real HTTP, with an in-memory stand-in for otp-stream behind it. */
class AuthServiceHttpTest {

    private static final String DEMO_KEY = "demo-key-0123456789abcdef";
    private static final String OTHER_KEY = "other-key-0123456789abcdef";
    private static final String UK_KEY = "uk-only-key-0123456789abcdef";
    private static final OtpPolicy DEMO_POLICY = new OtpPolicy(6, Duration.ofMinutes(5), 3);

    private final HttpClient http = HttpClient.newHttpClient();
    private InMemoryWriter writer;
    private AuthService service;

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    @BeforeEach
    void start() {
        SmsOtpConfig config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null))
                .withApps(List.of(new AppConfig("demo", "Demo Shop", DEMO_KEY, DEMO_POLICY),
                        new AppConfig("other", null, OTHER_KEY, null),
                        new AppConfig("uk-only", null, UK_KEY, null, null, null, null, null, null, null, null, null,
                                List.of(44))));
        writer = new InMemoryWriter();
        service = new AuthService(config, writer).start();
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    // ---- create

    @Test
    void createsChallengeAndAnswers201WithMaskedNumber() throws Exception {
        Answer a = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY);

        assertThat(a.status()).isEqualTo(201);
        JsonNode b = a.body();
        assertThat(b.get("id").asText()).matches("[A-Za-z0-9_-]{22}");
        assertThat(b.get("status").asText()).isEqualTo("pending");
        assertThat(b.get("to").asText()).isEqualTo("+*******4567");
        assertThat(Instant.parse(b.get("expiresAt").asText())).isAfter(Instant.now());
        assertThat(b.get("attemptsLeft").asInt()).isEqualTo(3);
        assertThat(a.raw().headers().firstValue("Location")).hasValue(ApiPaths.challenge(b.get("id").asText()));
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(a.raw().body()).doesNotContain("15551234567");
    }

    @Test
    void sendsCreateCommandWithTheAppAndItsPolicy() throws Exception {
        Answer a = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY);

        assertThat(writer.received()).singleElement().isInstanceOfSatisfying(OtpCommand.CreateChallenge.class, c -> {
            assertThat(c.challengeId()).isEqualTo(a.body().get("id").asText());
            assertThat(c.appId()).isEqualTo("demo");
            assertThat(c.appName()).isEqualTo("Demo Shop");
            assertThat(c.policy()).isEqualTo(DEMO_POLICY);
        });
    }

    @Test
    void normalisesNumberToE164InTheCommand() throws Exception {
        Answer a = post(ApiPaths.CHALLENGES, "{\"to\": \"+1 (555) 123-4567\"}", DEMO_KEY);

        assertThat(a.status()).isEqualTo(201);
        assertThat(writer.received()).singleElement().isInstanceOfSatisfying(OtpCommand.CreateChallenge.class,
                c -> assertThat(c.to()).isEqualTo("+15551234567"));
    }

    @Test
    void givesEachChallengeItsOwnId() throws Exception {
        String first = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY).body().get("id").asText();
        String second = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY).body().get("id").asText();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        assertThat(post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\", \"locale\": \"en\"}", DEMO_KEY).status())
                .isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5551234567", "(555) 123-4567", "+1555", "+999123456789", "+1 555 CALL NOW",
            "tel:+1-555-123-4567", "+1 555 123 4567 ext. 12", ""})
    void rejectsNumbersThatAreNotInternationalAndPossibleWith400(String to) throws Exception {
        Answer a = post(ApiPaths.CHALLENGES, "{\"to\": \"" + to + "\"}", DEMO_KEY);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("invalid_number");
        assertThat(a.body().get("message").asText()).isNotBlank();
        assertThat(writer.received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"to\": null}", "{\"phone\": \"+15551234567\"}"})
    void rejectsMissingNumberWith400(String body) throws Exception {
        assertError(post(ApiPaths.CHALLENGES, body, DEMO_KEY), 400, "missing_field");
        assertThat(writer.received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"to\": 15551234567}", "{\"to\": [\"+15551234567\"]}"})
    void rejectsNumberThatIsNotAStringWith400(String body) throws Exception {
        assertError(post(ApiPaths.CHALLENGES, body, DEMO_KEY), 400, "invalid_field");
        assertThat(writer.received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"to\": \"+15551234567\"", "to=+15551234567", "[\"+15551234567\"]", "\"x\"", ""})
    void rejectsMalformedJsonWith400(String body) throws Exception {
        assertError(post(ApiPaths.CHALLENGES, body, DEMO_KEY), 400, "malformed_json");
        assertThat(writer.received()).isEmpty();
    }

    @Test
    void rejectsBytesThatDecodeAsNoTextWith400() throws Exception {
        // found by ChallengeBodiesFuzzTest: leading zero bytes make Jackson read UTF-32, and a
        // character above U+10FFFF threw CharConversionException, which was answered 500
        byte[] body = new byte[84];
        body[76] = (byte) 0xef;
        body[77] = (byte) 0xbc;
        body[78] = (byte) 0x98;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + ApiPaths.CHALLENGES))
                .header("Authorization", "Bearer " + DEMO_KEY).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(ApiJson.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("malformed_json");
        assertThat(writer.received()).isEmpty();
    }

    @Test
    void rejectsBodyOver16KiBWith413() throws Exception {
        String body = "{\"to\": \"+15551234567\", \"pad\": \"" + "x".repeat(17 * 1024) + "\"}";

        assertError(post(ApiPaths.CHALLENGES, body, DEMO_KEY), 413, "body_too_large");
        assertThat(writer.received()).isEmpty();
    }

    // ---- authentication

    @Test
    void rejectsRequestWithoutKeyWith401() throws Exception {
        Answer a = send("POST", ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", null);

        assertError(a, 401, "unauthorized");
        assertThat(a.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));
        assertThat(writer.received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer not-a-known-key-at-all", "Bearer ", "Basic ZGVtbzpkZW1v", DEMO_KEY,
            "Bearer " + DEMO_KEY + "x"})
    void rejectsWrongKeyOrSchemeWith401(String authorization) throws Exception {
        Answer a = send("POST", ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", authorization);

        assertError(a, 401, "unauthorized");
        assertThat(a.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));
        assertThat(a.raw().body()).doesNotContain(DEMO_KEY);
        assertThat(writer.received()).isEmpty();
    }

    @Test
    void aKeyWithALettersCaseChangedIsRefusedOnTheConnectionThatCarriedTheRealOne() {
        // Jetty caches each connection's Authorization header and, left at its default, matches it ignoring
        // case: the changed key was read as the real one before it, on a connection a proxy may share
        String unknown = ApiPaths.challenge("AAAAAAAAAAAAAAAAAAAAAA");
        try (OneConnection c = new OneConnection(URI.create("http://127.0.0.1:" + service.port()))) {
            assertThat(c.get(unknown, Map.of("Authorization", "Bearer " + DEMO_KEY)).status())
                    .as("the real key gets as far as the challenge").isEqualTo(404);
            for (String changed : CaseChanges.oneLetterEach(DEMO_KEY)) {
                OneConnection.Answer a = c.get(unknown, Map.of("Authorization", "Bearer " + changed));
                assertThat(a.status()).as("the key with one letter's case changed: %s", changed).isEqualTo(401);
                assertThat(a.body()).contains("\"unauthorized\"");
            }
            assertThat(c.get(unknown, Map.of("Authorization", "Bearer " + DEMO_KEY)).status())
                    .as("the real key again, on the same connection").isEqualTo(404);
        }
    }

    @Test
    void checksKeyBeforeAnythingElse() throws Exception {
        assertThat(send("GET", ApiPaths.challenge("malformed!"), null, "Bearer wrong-key-0123456789").status())
                .isEqualTo(401);
        // an unauthenticated body over the limit is refused too, but the server answers before
        // reading it and closes the connection, so a client still writing may see a reset rather
        // than the 401: only a small body gives a deterministic answer here
        assertThat(send("POST", ApiPaths.CHALLENGES, "{\"to\":\"+15551234567\"}", null).status()).isEqualTo(401);
    }

    // ---- verify

    @Test
    void approvesTheRightCodeExactlyOnce() throws Exception {
        String id = create();

        Answer first = post(ApiPaths.verify(id), code(InMemoryWriter.CODE), DEMO_KEY);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("id").asText()).isEqualTo(id);
        assertThat(first.body().get("status").asText()).isEqualTo("approved");
        assertThat(first.body().get("valid").asBoolean()).isTrue();
        assertThat(first.body().has("attemptsLeft")).isTrue();

        Answer second = post(ApiPaths.verify(id), code(InMemoryWriter.CODE), DEMO_KEY);
        assertError(second, 409, "not_pending");
        assertThat(second.body().get("id").asText()).isEqualTo(id);
        assertThat(second.body().get("status").asText()).isEqualTo("approved");
        assertThat(second.body().get("valid").asBoolean()).isFalse();
        assertThat(second.body().has("attemptsLeft")).isTrue();
    }

    @Test
    void sendsTheCodeAndAppInTheVerifyCommand() throws Exception {
        String id = create();

        post(ApiPaths.verify(id), code("135790"), DEMO_KEY);

        assertThat(writer.received()).last().isInstanceOfSatisfying(OtpCommand.VerifyCode.class, v -> {
            assertThat(v.challengeId()).isEqualTo(id);
            assertThat(v.appId()).isEqualTo("demo");
            assertThat(v.code()).isEqualTo("135790");
        });
    }

    @Test
    void wrongCodeUsesOneAttemptAndTheLastOneEndsTheChallenge() throws Exception {
        String id = create();

        Answer first = post(ApiPaths.verify(id), code("000000"), DEMO_KEY);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("valid").asBoolean()).isFalse();
        assertThat(first.body().get("status").asText()).isEqualTo("pending");
        assertThat(first.body().get("attemptsLeft").asInt()).isEqualTo(2);

        assertThat(post(ApiPaths.verify(id), code("000000"), DEMO_KEY).body().get("attemptsLeft").asInt()).isEqualTo(1);
        Answer last = post(ApiPaths.verify(id), code("000000"), DEMO_KEY);
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.body().get("status").asText()).isEqualTo("max_attempts_reached");
        assertThat(last.body().get("valid").asBoolean()).isFalse();
        assertThat(last.body().get("attemptsLeft").asInt()).isZero();

        Answer after = post(ApiPaths.verify(id), code(InMemoryWriter.CODE), DEMO_KEY);
        assertError(after, 409, "not_pending");
        assertThat(after.body().get("status").asText()).isEqualTo("max_attempts_reached");
        assertThat(after.body().get("valid").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"expired", "canceled"})
    void answersEndedChallengeWith409AndItsStatus(String status) throws Exception {
        String id = create();
        writer.setStatus(id, ChallengeStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT)));

        Answer a = post(ApiPaths.verify(id), code(InMemoryWriter.CODE), DEMO_KEY);

        assertError(a, 409, "not_pending");
        assertThat(a.body().get("status").asText()).isEqualTo(status);
        assertThat(a.body().get("valid").asBoolean()).isFalse();
    }

    @Test
    void aCodeIsTrimmedAndUpperCasedBeforeItIsChecked() throws Exception {
        String id = create();
        post(ApiPaths.verify(id), "{\"code\": \" ab12cd \"}", DEMO_KEY);
        assertThat(writer.verifies()).singleElement().satisfies(v -> assertThat(v.code()).isEqualTo("AB12CD"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"123\"", "\"12345678901\"", "\"12-456\"", "\"12_456\"", "\"12 456\"", "\"１２３４５６\""})
    void rejectsMalformedCodeWith400AndPublishesNothing(String code) throws Exception {
        String id = create();
        int before = writer.received().size();

        assertError(post(ApiPaths.verify(id), "{\"code\": " + code + "}", DEMO_KEY), 400, "invalid_code");
        assertThat(writer.received()).hasSize(before);
    }

    @Test
    void acceptsUpperCaseAlphanumericCodes() throws Exception {
        String id = create();

        assertThat(post(ApiPaths.verify(id), code("AB12CD"), DEMO_KEY).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"code\": 246810}", "not json"})
    void rejectsVerifyWithoutAStringCodeWith400(String body) throws Exception {
        String id = create();
        int before = writer.received().size();

        Answer a = post(ApiPaths.verify(id), body, DEMO_KEY);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isIn("missing_field", "invalid_field", "malformed_json");
        assertThat(writer.received()).hasSize(before);
    }

    // ---- status

    @Test
    void showsStatusWithMaskedNumberAndDelivery() throws Exception {
        String id = create();

        Answer a = get(ApiPaths.challenge(id), DEMO_KEY);

        assertThat(a.status()).isEqualTo(200);
        JsonNode b = a.body();
        assertThat(b.get("id").asText()).isEqualTo(id);
        assertThat(b.get("status").asText()).isEqualTo("pending");
        assertThat(b.get("to").asText()).isEqualTo("+*******4567");
        assertThat(Instant.parse(b.get("expiresAt").asText())).isAfter(Instant.now());
        assertThat(b.get("attemptsLeft").asInt()).isEqualTo(3);
        assertThat(b.get("delivery").asText()).isEqualTo("queued");
        assertThat(b.has("deliveryReason")).isFalse();
    }

    @Test
    void showsWhyDeliveryFailed() throws Exception {
        String id = create();
        writer.failDelivery(id, "provider answered 500");

        Answer a = get(ApiPaths.challenge(id), DEMO_KEY);

        assertThat(a.body().get("delivery").asText()).isEqualTo("failed");
        assertThat(a.body().get("deliveryReason").asText()).isEqualTo("provider answered 500");
    }

    // ---- not found, other apps, methods

    @Test
    void answersUnknownChallengeWith404() throws Exception {
        String unknown = "AAAAAAAAAAAAAAAAAAAAAA";

        assertError(get(ApiPaths.challenge(unknown), DEMO_KEY), 404, "not_found");
        assertError(post(ApiPaths.verify(unknown), code("123456"), DEMO_KEY), 404, "not_found");
    }

    @Test
    void hidesAnotherApplicationsChallengeWith404() throws Exception {
        String id = create();

        assertError(get(ApiPaths.challenge(id), OTHER_KEY), 404, "not_found");
        assertError(post(ApiPaths.verify(id), code(InMemoryWriter.CODE), OTHER_KEY), 404, "not_found");
        // and the owner's challenge is untouched
        assertThat(post(ApiPaths.verify(id), code(InMemoryWriter.CODE), DEMO_KEY).body().get("valid").asBoolean())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "AAAAAAAAAAAAAAAAAAAAA%2B", "AAAAAAAAAAAAAAAAAAAAA.", "%20"})
    void answersMalformedIdWith404WithoutAskingTheWriter(String id) throws Exception {
        String tooLong = "A".repeat(65);

        assertError(get(ApiPaths.challenge(id), DEMO_KEY), 404, "not_found");
        assertError(post(ApiPaths.verify(id), code("123456"), DEMO_KEY), 404, "not_found");
        assertError(get(ApiPaths.challenge(tooLong), DEMO_KEY), 404, "not_found");
        assertThat(writer.received()).isEmpty();
    }

    @Test
    void answersUnknownPathWith404Json() throws Exception {
        assertError(get(ApiPaths.API + "/nothing-here", DEMO_KEY), 404, "not_found");
    }

    @Test
    void answersWrongMethodWith405Json() throws Exception {
        assertError(get(ApiPaths.CHALLENGES, DEMO_KEY), 405, "method_not_allowed");
        assertError(send("PUT", ApiPaths.challenge("AAAAAAAAAAAAAAAAAAAAAA"), null, "Bearer " + DEMO_KEY), 405,
                "method_not_allowed");
        assertError(send("DELETE", ApiPaths.verify("AAAAAAAAAAAAAAAAAAAAAA"), null, "Bearer " + DEMO_KEY), 405,
                "method_not_allowed");
        assertThat(writer.received()).isEmpty();
    }

    // ---- otp-stream not answering

    @Test
    void answers503WhenTheWriterDoesNotAnswer() throws Exception {
        String id = create();
        writer.goSilent();

        assertError(post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY), 503, "unavailable");
        assertError(post(ApiPaths.verify(id), code("123456"), DEMO_KEY), 503, "unavailable");
        assertError(get(ApiPaths.challenge(id), DEMO_KEY), 503, "unavailable");
    }

    // ---- helpers

    private String create() throws IOException, InterruptedException {
        Answer a = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY);
        assertThat(a.status()).isEqualTo(201);
        return a.body().get("id").asText();
    }

    private static String code(String code) {
        return "{\"code\": \"" + code + "\"}";
    }

    // ---- resend and cancel

    @Test
    void resendSendsANewCodeAndSaysWhatIsLeft() throws Exception {
        String id = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY).body().get("id").asText();

        Answer a = post(ApiPaths.resend(id), null, DEMO_KEY);

        assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
        assertThat(a.body().get("status").asText()).isEqualTo("pending");
        assertThat(a.body().get("to").asText()).isEqualTo("+*******4567");
        assertThat(writer.received()).filteredOn(OtpCommand.ResendCode.class::isInstance).hasSize(1);
    }

    @Test
    void resendPassesTheEndUsersIpAndRefusesOneThatIsNotAnAddress() throws Exception {
        String id = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\", \"clientIp\": \"203.0.113.7\"}", DEMO_KEY)
                .body().get("id").asText();
        assertThat(((OtpCommand.CreateChallenge) writer.received().get(0)).clientIp()).isEqualTo("203.0.113.7");

        assertError(post(ApiPaths.resend(id), "{\"clientIp\": \"evil.example\"}", DEMO_KEY), 400, "invalid_field");
        assertThat(post(ApiPaths.resend(id), "{\"clientIp\": \"2001:db8::1\"}", DEMO_KEY).status()).isEqualTo(200);
        assertThat(writer.received()).filteredOn(OtpCommand.ResendCode.class::isInstance)
                .singleElement().satisfies(c -> assertThat(((OtpCommand.ResendCode) c).clientIp()).isEqualTo("2001:db8:0:0:0:0:0:1"));
    }

    @Test
    void aUsedUpSendLimitIs429WithRetryAfterAndTheLimitsName() throws Exception {
        writer.limitSends("per_number", Instant.now().plusSeconds(90));

        Answer a = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY);

        assertError(a, 429, "rate_limited");
        assertThat(a.body().get("limit").asText()).isEqualTo("per_number");
        assertThat(Integer.parseInt(a.raw().headers().firstValue("Retry-After").orElseThrow())).isBetween(85, 90);
    }

    @Test
    void cancelEndsAChallengeAndAFinishedOneIs409() throws Exception {
        String id = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY).body().get("id").asText();

        Answer canceled = send("DELETE", ApiPaths.challenge(id), null, "Bearer " + DEMO_KEY);
        assertThat(canceled.status()).isEqualTo(200);
        assertThat(canceled.body().get("status").asText()).isEqualTo("canceled");
        assertError(post(ApiPaths.verify(id), "{\"code\": \"" + InMemoryWriter.CODE + "\"}", DEMO_KEY), 409, "not_pending");

        String approved = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", DEMO_KEY).body().get("id").asText();
        post(ApiPaths.verify(approved), "{\"code\": \"" + InMemoryWriter.CODE + "\"}", DEMO_KEY);
        assertError(send("DELETE", ApiPaths.challenge(approved), null, "Bearer " + DEMO_KEY), 409, "not_pending");
        assertError(send("DELETE", ApiPaths.challenge(id), null, "Bearer " + OTHER_KEY), 404, "not_found");
    }

    @Test
    void aNumberOutsideTheApplicationsCountriesIs400NamingTheReason() throws Exception {
        Answer us = post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\"}", UK_KEY);
        assertError(us, 400, "country_not_allowed");
        assertThat(us.body().get("message").asText()).contains("+1");
        assertThat(post(ApiPaths.CHALLENGES, "{\"to\": \"+447700900123\"}", UK_KEY).status()).isEqualTo(201);
        assertThat(writer.created()).hasSize(1);
    }

    @Test
    void aUserInACreateNeedsTheDatabaseThatAnApiOnlyServiceDoesNotHave() throws Exception {
        assertError(post(ApiPaths.CHALLENGES, "{\"to\": \"+15551234567\", \"user\": \"u1\"}", DEMO_KEY), 400,
                "invalid_field");
        assertThat(writer.received()).isEmpty();
    }

    private static void assertError(Answer a, int status, String error) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(status);
        assertThat(a.body().get("error").asText()).isEqualTo(error);
        assertThat(a.body().get("message").asText()).isNotBlank();
    }

    private Answer post(String path, String body, String key) throws IOException, InterruptedException {
        return send("POST", path, body, "Bearer " + key);
    }

    private Answer get(String path, String key) throws IOException, InterruptedException {
        return send("GET", path, null, "Bearer " + key);
    }

    private Answer send(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? null : ApiJson.MAPPER.readTree(response.body());
        return new Answer(response.statusCode(), json, response);
    }
}
