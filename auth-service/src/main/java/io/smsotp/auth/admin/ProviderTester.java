package io.smsotp.auth.admin;

import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.http.ApiException;
import io.smsotp.config.ProviderConfig;
import io.smsotp.dispatcher.provider.ProviderPresets;
import io.smsotp.dispatcher.provider.Attempt;
import io.smsotp.dispatcher.provider.ProviderClient;
import io.smsotp.events.SmsRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one real test SMS through one provider, with the dispatcher's own client and judgement,
 * and tells what came of it. Each admin may send {@value #PER_MINUTE} a minute: every test costs
 * money and reaches a real phone.
 */
public final class ProviderTester implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderTester.class);
    public static final String DEFAULT_TEXT = "smsotp test message";
    /** Test SMS one admin may send in any minute. */
    public static final int PER_MINUTE = 5;
    /** The longest test text: one SMS of 160 GSM characters, or two. */
    public static final int MAX_TEXT = 320;
    private static final Duration WINDOW = Duration.ofMinutes(1);

    /**
     * What one test came to.
     *
     * @param status the provider's HTTP status, or null when it did not answer
     * @param bodyCheck {@code passed} or {@code failed} when the status was a success code and the
     *     provider has a body check; {@code none} otherwise
     * @param reason why it was not sent (never a number, text or credential), or null
     */
    public record Result(String provider, boolean sent, Integer status, String bodyCheck, long latencyMs,
                         String reason) {
    }

    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Deque<Instant>> sends = new HashMap<>();
    private ProviderClient client;
    private boolean closed;

    /** @param timeout no answer within this is a failure (the dispatcher's {@code requestTimeout}) */
    public ProviderTester(Duration timeout, Clock clock) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sends {@code text} (null: {@link #DEFAULT_TEXT}) to {@code to} through {@code provider} and
     * waits for the outcome, at most the timeout.
     *
     * @throws ApiException 400 for a number that is not E.164 or a text too long, 429 past the limit
     */
    public Result test(String actor, ProviderConfig given, String to, String text) {
        // as the dispatcher sends it: a preset filled in
        ProviderConfig provider = ProviderPresets.expand(given);
        String number = PhoneNumbers.toE164(to);
        String message = text == null ? DEFAULT_TEXT : text;
        if (message.isBlank() || message.length() > MAX_TEXT) {
            throw AdminBodies.invalid("text: must be 1.." + MAX_TEXT + " characters");
        }
        take(actor);
        Instant now = clock.instant();
        SmsRequest request = new SmsRequest("test-" + UUID.randomUUID(), "provider-test", "admin", number, message,
                now.plus(timeout));
        long start = System.nanoTime();
        // the handler waits: a test is rare (limited per admin) and the client ends it within the timeout
        Attempt attempt = client().attempt(provider, request).join();
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Result result = new Result(provider.name(), attempt.sent(), attempt.httpStatus(), bodyCheck(provider, attempt),
                latencyMs, attempt.reason());
        LOG.info("test SMS through provider {} by {}: sent={} status={} in {} ms", provider.name(), actor,
                result.sent(), result.status(), latencyMs);
        return result;
    }

    private static String bodyCheck(ProviderConfig provider, Attempt attempt) {
        if (provider.bodyCheck() == null || attempt.httpStatus() == null
                || !provider.successCodes().contains(attempt.httpStatus())) {
            // the check is only made on an answer whose status passed
            return "none";
        }
        return attempt.sent() ? "passed" : "failed";
    }

    /** Counts one test of {@code actor}, or refuses it with 429 when the last minute holds {@value #PER_MINUTE}. */
    private synchronized void take(String actor) {
        Instant now = clock.instant();
        sends.values().forEach(times -> prune(times, now));
        sends.values().removeIf(Deque::isEmpty);
        Deque<Instant> times = sends.computeIfAbsent(actor, a -> new ArrayDeque<>());
        if (times.size() >= PER_MINUTE) {
            long wait = Math.max(1, Duration.between(now, times.peekFirst().plus(WINDOW)).toSeconds() + 1);
            throw new ApiException(429, "rate_limited", "at most " + PER_MINUTE + " test SMS a minute per admin;"
                    + " try again in " + wait + " s", Map.of("retryAfterSeconds", wait),
                    Map.of("Retry-After", Long.toString(wait)));
        }
        times.addLast(now);
    }

    private static void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
            times.removeFirst();
        }
    }

    /** Made at the first test: a service whose admins never test starts no HTTP client threads. */
    private synchronized ProviderClient client() {
        if (closed) {
            throw new ApiException(503, "unavailable", "this auth-service instance is stopping; try again");
        }
        if (client == null) {
            client = new ProviderClient(timeout);
        }
        return client;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
