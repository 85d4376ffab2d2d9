package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.BodyCheck;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.testing.FakeProvider;
import io.smsotp.dispatcher.testing.FakeProvider.Answer;
import io.smsotp.dispatcher.testing.FakeProvider.Received;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries, failover, circuit breakers, rate limits and deadlines, against real local HTTP servers
 * that play the providers. Backoffs are short (10 ms, no jitter) so that the tests are quick.
 */
class SmsSenderTest {

    static final DispatcherSettings.Retry FAST_RETRY = new DispatcherSettings.Retry(Duration.ofMillis(10),
            Duration.ofMillis(100), 2.0, 0.0);

    final FakeProvider primary = new FakeProvider();
    final FakeProvider secondary = new FakeProvider();
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        primary.close();
        secondary.close();
    }

    SmsSender sender(DispatcherSettings settings, ProviderConfig... providers) {
        ProviderClient client = new ProviderClient(settings.requestTimeout());
        SmsSender sender = new SmsSender(List.of(providers), client, settings, Clock.systemUTC());
        closing.add(sender);
        closing.add(client);
        return sender;
    }

    SmsSender sender(ProviderConfig... providers) {
        return sender(settings(Duration.ofSeconds(2), 16, DispatcherSettings.Breaker.defaults()), providers);
    }

    static DispatcherSettings settings(Duration timeout, int maxInFlight, DispatcherSettings.Breaker breaker) {
        return new DispatcherSettings("g", timeout, maxInFlight, null, FAST_RETRY, breaker);
    }

    static ProviderConfig provider(String name, FakeProvider server) {
        return new ProviderConfig(name, server.url("/send?id=$ctx.id&to=$ctx.num"), "POST",
                Map.of("Content-Type", "application/json"), "{\"text\":\"$ctx.msg\"}", List.of(200));
    }

    static SmsRequest request(String id) {
        return request(id, Instant.now().plusSeconds(300));
    }

    static SmsRequest request(String id, Instant expiresAt) {
        return new SmsRequest(id, "ch-" + id, "demo", "+15551234567", "Your code is 123456", expiresAt);
    }

    static DeliveryOutcome outcome(SmsSender sender, SmsRequest request) throws Exception {
        return sender.deliver(request).outcome().get(30, TimeUnit.SECONDS);
    }

    /** Answers {@code first} to the first request, 200 to every later one. */
    static java.util.function.Function<Received, Answer> firstThenOk(Answer first) {
        AtomicInteger n = new AtomicInteger();
        return r -> n.getAndIncrement() == 0 ? first : Answer.of(200);
    }

    @Test
    void afterTheProvidersAreReplacedTheNextSendGoesToTheNewOneAndASendUnderWayKeepsItsOwn() throws Exception {
        // the first try is answered "come back in 2 s": the send is under way, waiting, while the providers change
        primary.replying(firstThenOk(Answer.of(429).withHeader("Retry-After", "2")));
        SmsSender sender = sender(provider("primary", primary));
        Sending underWay = sender.deliver(request("m-1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> primary.received().size() >= 1);
        assertThat(underWay.outcome()).isNotDone();

        sender.replaceProviders(List.of(provider("secondary", secondary)));
        DeliveryOutcome next = outcome(sender, request("m-2"));

        assertThat(next.provider()).isEqualTo("secondary");
        assertThat(sender.providers()).extracting(ProviderConfig::name).containsExactly("secondary");
        // the retry of the first send went to the provider it started with
        DeliveryOutcome first = underWay.outcome().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first.provider()).isEqualTo("primary");
        assertThat(first.delivery()).isEqualTo(Delivery.SENT);
        assertThat(secondary.received()).extracting(r -> r.query("id")).containsExactly("m-2");
    }

    @Test
    void anUnchangedProviderKeepsItsOpenCircuitAcrossAReplacement() throws Exception {
        primary.answering(503);
        ProviderConfig once = provider("primary", primary).withTries(1, null);
        SmsSender sender = sender(settings(Duration.ofSeconds(2), 16, new DispatcherSettings.Breaker(50, 4, 4,
                Duration.ofSeconds(30))), once);
        for (int i = 0; i < 4; i++) {
            outcome(sender, request("m-" + i));
        }
        assertThat(sender.breakerState("primary")).isEqualTo("OPEN");

        sender.replaceProviders(List.of(provider("primary", primary).withTries(1, null),
                provider("secondary", secondary)));

        assertThat(sender.breakerState("primary")).isEqualTo("OPEN");
        assertThat(outcome(sender, request("m-9")).provider()).isEqualTo("secondary");
    }

    @Test
    void retriesA503OnTheSameProviderAndSendsOnce() throws Exception {
        primary.replying(firstThenOk(Answer.of(503)));
        SmsSender sender = sender(provider("primary", primary), provider("secondary", secondary));

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.provider()).isEqualTo("primary");
        assertThat(out.httpStatus()).isEqualTo(200);
        assertThat(out.attempts()).extracting(Attempt::kind).containsExactly(Attempt.Kind.RETRYABLE, Attempt.Kind.SENT);
        assertThat(primary.received()).hasSize(2).allSatisfy(r -> assertThat(r.query("id")).isEqualTo("m-1"));
        assertThat(secondary.received()).isEmpty();
    }

    @Test
    void waitsAsLongAsA429sRetryAfterAsks() throws Exception {
        primary.replying(firstThenOk(Answer.of(429).withHeader("Retry-After", "1")));
        SmsSender sender = sender(provider("primary", primary));

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.attempts().get(0).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        List<Received> got = primary.received();
        assertThat(got).hasSize(2);
        // the backoff alone would have been 10 ms
        assertThat(Duration.ofNanos(got.get(1).nanos() - got.get(0).nanos())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retriesAfterATimeout() throws Exception {
        primary.replying(firstThenOk(Answer.of(FakeProvider.NO_ANSWER)));
        SmsSender sender = sender(settings(Duration.ofMillis(300), 16, DispatcherSettings.Breaker.defaults()),
                provider("primary", primary));

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.attempts()).hasSize(2);
        assertThat(out.attempts().get(0).reason()).contains("timeout");
        assertThat(out.attempts().get(0).httpStatus()).isNull();
    }

    @Test
    void a400IsNotRetriedButFailsOverToTheNextProvider() throws Exception {
        primary.answering(400);
        SmsSender sender = sender(provider("primary", primary), provider("secondary", secondary));

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.provider()).isEqualTo("secondary");
        assertThat(primary.received()).hasSize(1);
        assertThat(secondary.received()).singleElement().satisfies(r -> assertThat(r.query("id")).isEqualTo("m-1"));
        assertThat(out.attempts()).extracting(Attempt::provider, Attempt::kind, Attempt::httpStatus).containsExactly(
                org.assertj.core.groups.Tuple.tuple("primary", Attempt.Kind.PERMANENT, 400),
                org.assertj.core.groups.Tuple.tuple("secondary", Attempt.Kind.SENT, 200));
    }

    @Test
    void a200WithAnErrorInItsBodyFailsTheCheckAndFailsOver() throws Exception {
        primary.replying(r -> Answer.of(200).withBody("{\"messages\":[{\"status\":\"9\",\"error-text\":\"Quota\"}]}"));
        ProviderConfig vonageLike = provider("primary", primary).withBodyCheck(BodyCheck.jsonEquals("/messages/0/status", "0"));
        SmsSender sender = sender(vonageLike, provider("secondary", secondary));

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.provider()).isEqualTo("secondary");
        assertThat(primary.received()).hasSize(1);
        assertThat(out.attempts().get(0).kind()).isEqualTo(Attempt.Kind.PERMANENT);
        assertThat(out.attempts().get(0).reason()).contains("/messages/0/status");
    }

    @Test
    void aSendWhoseOnlyProviderHasAnOpenCircuitWaitsForItInsteadOfFailing() throws Exception {
        AtomicInteger down = new AtomicInteger(1);
        primary.answering(r -> down.get() == 1 ? 503 : 200);
        DispatcherSettings s = settings(Duration.ofSeconds(2), 16,
                new DispatcherSettings.Breaker(50, 4, 4, Duration.ofSeconds(1)));
        SmsSender sender = sender(s, provider("primary", primary).withTries(1, null));
        for (int i = 0; i < 4; i++) {
            assertThat(outcome(sender, request("m-down-" + i)).delivery()).isEqualTo(Delivery.FAILED);
        }
        assertThat(sender.breakerState("primary")).isEqualTo("OPEN");

        // the provider is back while the circuit is still open: the send waits for the probe
        down.set(0);
        DeliveryOutcome out = outcome(sender, request("m-while-open"));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.provider()).isEqualTo("primary");
        assertThat(out.attempts().get(0).reason()).isEqualTo(SmsSender.CIRCUIT_OPEN);
    }

    @Test
    void opensThePrimarysBreakerWhileItIsDownAndProbesItAgainAfterTheOpenDuration() throws Exception {
        AtomicInteger down = new AtomicInteger(1);
        primary.answering(r -> down.get() == 1 ? 503 : 200);
        DispatcherSettings s = settings(Duration.ofSeconds(2), 16,
                new DispatcherSettings.Breaker(50, 4, 4, Duration.ofSeconds(1)));
        SmsSender sender = sender(s, provider("primary", primary).withTries(1, null), provider("secondary", secondary));

        for (int i = 0; i < 4; i++) {
            DeliveryOutcome out = outcome(sender, request("m-down-" + i));
            assertThat(out.provider()).isEqualTo("secondary");
        }
        assertThat(sender.breakerState("primary")).isEqualTo("OPEN");

        DeliveryOutcome skipped = outcome(sender, request("m-open"));
        assertThat(skipped.provider()).isEqualTo("secondary");
        assertThat(skipped.attempts().get(0)).satisfies(a -> {
            assertThat(a.provider()).isEqualTo("primary");
            assertThat(a.reason()).isEqualTo(SmsSender.CIRCUIT_OPEN);
        });
        assertThat(primary.received()).hasSize(4);

        down.set(0);
        AtomicInteger n = new AtomicInteger();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> outcome(sender, request("m-probe-" + n.incrementAndGet())).provider().equals("primary"));
        assertThat(sender.breakerState("primary")).isEqualTo("CLOSED");
        // one probe, not a flood: the four failures and the probe that closed the circuit
        assertThat(primary.received()).hasSize(5);
        assertThat(outcome(sender, request("m-after")).provider()).isEqualTo("primary");
    }

    @Test
    void whenEveryProviderFailsItIsFailedWithEveryAttempt() throws Exception {
        primary.answering(503);
        secondary.answering(502);
        SmsSender sender = sender(provider("primary", primary).withTries(2, null),
                provider("secondary", secondary).withTries(2, null));

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out.delivery()).isEqualTo(Delivery.FAILED);
        assertThat(out.providersGaveUp()).isTrue();
        assertThat(out.provider()).isEqualTo("secondary");
        assertThat(out.httpStatus()).isEqualTo(502);
        assertThat(out.attempts()).extracting(Attempt::provider, Attempt::httpStatus).containsExactly(
                org.assertj.core.groups.Tuple.tuple("primary", 503), org.assertj.core.groups.Tuple.tuple("primary", 503),
                org.assertj.core.groups.Tuple.tuple("secondary", 502), org.assertj.core.groups.Tuple.tuple("secondary", 502));
        assertThat(out.reason()).isEqualTo(
                "no provider could send it: HTTP 503 from primary (2 tries); HTTP 502 from secondary (2 tries)");
    }

    @Test
    void keepsEachProviderWithinItsRatePerSecond() throws Exception {
        long start = System.nanoTime();
        SmsSender sender = sender(provider("primary", primary).withTries(1, 5));

        List<Sending> sendings = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            sendings.add(sender.deliver(request("m-" + i)));
        }
        for (Sending s : sendings) {
            assertThat(s.outcome().get(30, TimeUnit.SECONDS).delivery()).isEqualTo(Delivery.SENT);
        }

        List<Long> arrivals = primary.received().stream().map(Received::nanos).sorted().toList();
        assertThat(arrivals).hasSize(15);
        // 5 per one-second period: the 11th comes two periods after the 1st, so over a second later,
        // and the 15th no sooner than two seconds after the limiter started
        assertThat(Duration.ofNanos(arrivals.get(10) - arrivals.get(0))).isGreaterThan(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(arrivals.get(14) - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void dropsARequestThatExpiredBeforeItsFirstTryWithoutCallingAnyProvider() throws Exception {
        SmsSender sender = sender(provider("primary", primary));

        DeliveryOutcome out = outcome(sender, request("m-old", Instant.now().minusSeconds(1)));

        assertThat(out.delivery()).isEqualTo(Delivery.DROPPED);
        assertThat(out.reason()).isEqualTo(SmsSender.EXPIRED);
        assertThat(out.attempts()).isEmpty();
        assertThat(out.providersGaveUp()).isFalse();
        assertThat(primary.received()).isEmpty();
    }

    @Test
    void doesNotWaitForARetryThatWouldComeAfterTheExpiry() throws Exception {
        primary.replying(r -> Answer.of(429).withHeader("Retry-After", "60"));
        SmsSender sender = sender(provider("primary", primary));
        long start = System.nanoTime();

        DeliveryOutcome out = outcome(sender, request("m-1", Instant.now().plusSeconds(5)));

        assertThat(out.delivery()).isEqualTo(Delivery.DROPPED);
        assertThat(out.reason()).startsWith("expired before it could be sent: HTTP 429 from primary");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(primary.received()).hasSize(1);
    }

    @Test
    void triesTheNextProviderAtOnceWhenTheRetryWouldComeAfterTheExpiry() throws Exception {
        primary.replying(r -> Answer.of(429).withHeader("Retry-After", "60"));
        SmsSender sender = sender(provider("primary", primary), provider("secondary", secondary));

        DeliveryOutcome out = outcome(sender, request("m-1", Instant.now().plusSeconds(30)));

        assertThat(out.delivery()).isEqualTo(Delivery.SENT);
        assertThat(out.provider()).isEqualTo("secondary");
    }

    @Test
    void keepsAtMostMaxInFlightCallsOpen() throws Exception {
        primary.answeringAfter(Duration.ofMillis(150));
        SmsSender sender = sender(settings(Duration.ofSeconds(2), 3, DispatcherSettings.Breaker.defaults()),
                provider("primary", primary));

        List<Sending> sendings = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sendings.add(sender.deliver(request("m-" + i)));
        }
        for (Sending s : sendings) {
            assertThat(s.outcome().get(30, TimeUnit.SECONDS).delivery()).isEqualTo(Delivery.SENT);
        }

        assertThat(primary.received()).hasSize(12);
        assertThat(primary.maxConcurrent()).isEqualTo(3);
    }

    @Test
    void abandoningARequestThatWaitsForARetryEndsItWithoutSendingAgain() throws Exception {
        primary.replying(r -> Answer.of(429).withHeader("Retry-After", "30"));
        SmsSender sender = sender(provider("primary", primary));

        Sending s = sender.deliver(request("m-1"));
        primary.awaitReceived(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !s.inCall());
        s.abandon();

        assertThat(s.outcome()).isCancelled();
        assertThat(s.outcome().handle((o, e) -> e)).succeedsWithin(Duration.ofSeconds(1))
                .isInstanceOf(CancellationException.class);
        assertThat(primary.received()).hasSize(1);
    }

    @Test
    void anAbandonedRequestWhoseOpenCallSendsItIsStillReportedSent() throws Exception {
        primary.answeringAfter(Duration.ofMillis(300));
        SmsSender sender = sender(provider("primary", primary));

        Sending s = sender.deliver(request("m-1"));
        primary.awaitReceived(1);
        s.abandon();

        assertThat(s.outcome().get(5, TimeUnit.SECONDS).delivery()).isEqualTo(Delivery.SENT);
    }

    @Test
    void withoutProvidersEveryRequestFails() throws Exception {
        SmsSender sender = sender();

        DeliveryOutcome out = outcome(sender, request("m-1"));

        assertThat(out).isEqualTo(new DeliveryOutcome(Delivery.FAILED, null, null, SmsSender.NO_PROVIDER, List.of()));
    }
}
