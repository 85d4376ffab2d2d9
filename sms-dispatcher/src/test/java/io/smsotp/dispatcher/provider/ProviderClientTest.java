package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.testing.FakeProvider;
import io.smsotp.dispatcher.testing.FakeProvider.Received;
import io.smsotp.events.Delivery;
import io.smsotp.events.Json;
import io.smsotp.events.SmsRequest;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProviderClientTest {

    static final String NUMBER = "+15551234567";
    static final String TEXT = "Your demo code is 123456 & \"keep\" it #secret\nGrüße ✓";

    final FakeProvider server = new FakeProvider();
    final ProviderClient client = new ProviderClient(Duration.ofSeconds(5));

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    static SmsRequest request() {
        return new SmsRequest("msg-1", "ch-1", "demo", NUMBER, TEXT, Instant.now().plusSeconds(300));
    }

    ProviderConfig jsonProvider(List<Integer> successCodes) {
        return new ProviderConfig("sink", server.url("/send?to=$ctx.num&via=api"), "POST",
                Map.of("Content-Type", "application/json", "Authorization", "Bearer abc"),
                "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\"}", successCodes);
    }

    SendResult send(ProviderConfig provider, SmsRequest request) throws Exception {
        return client.send(provider, request).get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202})
    void reportsSentForTheDefaultSuccessCodes(int code) throws Exception {
        server.answering(code);

        SendResult result = send(jsonProvider(null), request());

        assertThat(result).isEqualTo(new SendResult(Delivery.SENT, "sink", code, null));
    }

    @Test
    void sendsExactlyTheConfiguredRequest() throws Exception {
        server.answering(202);

        send(jsonProvider(null), request());

        Received r = server.awaitReceived(1).get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/send");
        assertThat(r.rawQuery()).isEqualTo("to=%2B15551234567&via=api");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("Authorization")).isEqualTo("Bearer abc");
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("to").textValue()).isEqualTo(NUMBER);
        assertThat(body.get("text").textValue()).isEqualTo(TEXT);
    }

    @Test
    void sendsAGetWithTheTextInTheQueryAndNoBody() throws Exception {
        ProviderConfig get = new ProviderConfig("bulk", server.url("/api?user=u1&to=$ctx.num&msg=$ctx.msg"), "GET",
                Map.of(), null, null);

        SendResult result = send(get, request());

        Received r = server.awaitReceived(1).get(0);
        assertThat(result.isSent()).isTrue();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(RequestRendererTest.queryParams(r.rawQuery()))
                .containsExactly(Map.entry("user", "u1"), Map.entry("to", NUMBER), Map.entry("msg", TEXT));
        assertThat(r.body()).isEmpty();
    }

    @Test
    void reportsFailedWhenTheAnswerIsNotAConfiguredSuccessCode() throws Exception {
        server.answering(200);

        SendResult result = send(jsonProvider(List.of(202)), request());

        assertThat(result).isEqualTo(new SendResult(Delivery.FAILED, "sink", 200, "HTTP 200 from sink"));
    }

    @Test
    void reportsFailedWithTheStatusOnAServerError() throws Exception {
        server.answering(500);

        SendResult result = send(jsonProvider(null), request());

        assertThat(result).isEqualTo(new SendResult(Delivery.FAILED, "sink", 500, "HTTP 500 from sink"));
        assertThat(result.answered()).isTrue();
    }

    @Test
    void reportsATimeoutWhenTheProviderDoesNotAnswerInTime() throws Exception {
        server.answering(FakeProvider.NO_ANSWER);
        try (ProviderClient impatient = new ProviderClient(Duration.ofMillis(300))) {
            long start = System.nanoTime();

            SendResult result = impatient.send(jsonProvider(null), request()).get(20, TimeUnit.SECONDS);

            assertThat(result).isEqualTo(new SendResult(Delivery.FAILED, "sink", null, "timeout after PT0.3S"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aCallThatEndsTakesItsTimeoutTimerWithIt() throws Exception {
        server.answering(202);
        for (int i = 0; i < 20; i++) {
            send(jsonProvider(null), request());
        }

        // each timer is cancelled on the thread that ends its call, maybe just after get() returned:
        // wait for that, well within the client's 5 s timeout, after which a timer would fire anyway
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(client.pendingTimeouts()).isZero());
    }

    @Test
    void reportsConnectionRefusedWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProviderConfig nobody = new ProviderConfig("gone", "http://127.0.0.1:" + port + "/send?to=$ctx.num", "GET",
                Map.of(), null, null);

        SendResult result = send(nobody, request());

        assertThat(result).isEqualTo(new SendResult(Delivery.FAILED, "gone", null, "connection refused"));
        assertThat(result.answered()).isFalse();
    }

    @Test
    void reportsARequestThatCannotBeRenderedWithoutSendingIt() throws Exception {
        ProviderConfig p = new ProviderConfig("sink", server.url("/send"), "GET", Map.of("X-Text", "$ctx.msg"), null, null);

        SendResult result = send(p, request());

        assertThat(result.delivery()).isEqualTo(Delivery.FAILED);
        assertThat(result.reason()).startsWith("cannot render request: header X-Text").doesNotContain("123456");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void reportsAHeaderTheHttpClientRefusesWithoutItsValue() throws Exception {
        ProviderConfig p = new ProviderConfig("sink", server.url("/send"), "GET", Map.of("Host", "evil.example"), null, null);

        SendResult result = send(p, request());

        assertThat(result.delivery()).isEqualTo(Delivery.FAILED);
        assertThat(result.reason()).contains("refused").doesNotContain("evil.example");
        assertThat(server.received()).isEmpty();
    }
}
