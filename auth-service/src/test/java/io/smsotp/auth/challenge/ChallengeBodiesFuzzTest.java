package io.smsotp.auth.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bodies of the 2FA API come from any client: whatever bytes a create, verify or resend carries,
 * the request is parsed (and the writer asked) or answered 400 or 413 with a JSON error; never a 500.
 * The parsing is {@link ChallengeApi}'s through {@link ApiJson#MAPPER}; an accepted create answers a
 * {@link ChallengeBodies.Created} and hands the writer an E.164 number.
 */
class ChallengeBodiesFuzzTest {

    private static final String KEY = "fuzz-key-0123456789abcdef";
    private static final String ID = "q2V7Xr1hT0mYk9bLw3sZ4A";
    private static final String[] PATHS = {ApiPaths.CHALLENGES, ApiPaths.verify(ID), ApiPaths.resend(ID)};
    private static final Set<Integer> REFUSED = Set.of(400, 413);

    private static final Writer WRITER = new Writer();
    private static final AuthService SERVICE = new AuthService(SmsOtpConfig.defaults()
            .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(5), null))
            .withApps(List.of(new AppConfig("fuzz", "Fuzz Shop", KEY, new OtpPolicy(6, Duration.ofMinutes(5), 5)))),
            WRITER).start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @FuzzTest
    void parsesAnyBodyOrAnswers400Or413(FuzzedDataProvider data) throws IOException, InterruptedException {
        String path = data.pickValue(PATHS);
        byte[] body = data.consumeRemainingAsBytes();
        WRITER.lastTo.set(null);

        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + SERVICE.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        JsonNode json = ApiJson.MAPPER.readTree(answer.body());
        if (REFUSED.contains(answer.statusCode())) {
            assertThat(json.get("error").textValue()).isNotBlank();
            assertThat(WRITER.lastTo.get()).as("a refused request reaches the writer").isNull();
        } else if (path.equals(ApiPaths.CHALLENGES)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            ChallengeBodies.Created created = ApiJson.MAPPER.treeToValue(json, ChallengeBodies.Created.class);
            assertThat(created.status()).isEqualTo(ChallengeStatus.PENDING);
            assertThat(WRITER.lastTo.get()).matches("\\+[1-9][0-9]{1,14}");
            assertThat(created.to()).endsWith(WRITER.lastTo.get().substring(WRITER.lastTo.get().length() - 4));
        } else {
            // parsed, and the writer (which knows no challenge) was asked
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
        }
    }

    /** Creates every challenge, knows none afterwards; remembers the number of the last create. */
    private static final class Writer implements ChallengeCommands {
        final AtomicReference<String> lastTo = new AtomicReference<>();

        @Override
        public String newChallengeId(String to) {
            return new ChallengeIds().next();
        }

        @Override
        public CompletionStage<OtpEvent> create(String challengeId, String appId, String appName, String to,
                                                OtpPolicy policy, String clientIp) {
            lastTo.set(to);
            ChallengeView view = new ChallengeView(ChallengeStatus.PENDING, to, Instant.now().plus(policy.ttl()),
                    policy.maxAttempts(), Delivery.QUEUED, null);
            return CompletableFuture.completedFuture(new OtpEvent.ChallengeCreated(challengeId, "req", "fuzz", view));
        }

        @Override
        public CompletionStage<OtpEvent> verify(String challengeId, String appId, String code) {
            return unknown(challengeId);
        }

        @Override
        public CompletionStage<OtpEvent> status(String challengeId, String appId) {
            return unknown(challengeId);
        }

        @Override
        public CompletionStage<OtpEvent> resend(String challengeId, String appId, String clientIp) {
            return unknown(challengeId);
        }

        @Override
        public CompletionStage<OtpEvent> cancel(String challengeId, String appId) {
            return unknown(challengeId);
        }

        @Override
        public CompletionStage<OtpEvent> notice(String noticeId, String appId, String to, String text) {
            return unknown(noticeId);
        }

        private CompletionStage<OtpEvent> unknown(String challengeId) {
            lastTo.set("asked");
            return CompletableFuture.completedFuture(new OtpEvent.CommandRejected(challengeId, "req", "fuzz",
                    OtpEvent.CommandRejected.NOT_FOUND, "no such challenge"));
        }
    }
}
