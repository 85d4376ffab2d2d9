package io.smsotp.dispatcher.provider;

import io.smsotp.config.ProviderConfig;
import io.smsotp.events.SmsRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends rendered requests to providers with {@link HttpClient}, asynchronously, and judges the
 * answer by the provider's success codes. Its futures never fail: every outcome, network failure
 * included, is a {@link SendResult}. Logs name the provider and the reason only: never a header
 * value, body, number or text.
 */
public final class ProviderClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderClient.class);

    private final Duration timeout;
    private final ExecutorService executor;
    // one timer per call, cancelled (and taken out of the queue) when the call ends first: the
    // JDK's shared delayed executor keeps every timer until it fires, which at 1,000 sends a
    // second is 5,000 pending timers at the default 5 s timeout, each then waking a pool thread for nothing
    private final ScheduledThreadPoolExecutor timeouts;
    private final HttpClient http;

    /** @param timeout no answer within this is a failure */
    public ProviderClient(Duration timeout) {
        this(timeout, null);
    }

    /** As {@link #ProviderClient(Duration)}, trusting what {@code tls} trusts instead of the JVM's trust store (tests). */
    ProviderClient(Duration timeout, SSLContext tls) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        AtomicInteger n = new AtomicInteger();
        // our own pool, so that stop() leaves no threads behind in an embedding JVM
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "provider-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timeouts = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "provider-timeouts");
            t.setDaemon(true);
            return t;
        });
        timeouts.setRemoveOnCancelPolicy(true);
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder
                .executor(executor)
                .connectTimeout(timeout)
                // providers speak HTTP/1.1; an h2c upgrade attempt on every new connection buys nothing
                .version(HttpClient.Version.HTTP_1_1)
                // a redirect would replay the number and text to a host the config does not name
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Renders the request for {@code provider} and sends it; completes with the outcome, never exceptionally. */
    public CompletableFuture<SendResult> send(ProviderConfig provider, SmsRequest request) {
        return attempt(provider, request).thenApply(a -> a.sent() ? SendResult.sent(a.provider(), a.httpStatus())
                : a.httpStatus() != null && a.reason().startsWith("HTTP ") ? SendResult.rejected(a.provider(), a.httpStatus())
                : new SendResult(io.smsotp.events.Delivery.FAILED, a.provider(), a.httpStatus(), a.reason()));
    }

    /**
     * One try of {@code provider} for {@code request}, judged: {@link Attempt.Kind#SENT} when the
     * status is a success code and the body check passes; {@link Attempt.Kind#RETRYABLE} for no
     * answer, a timeout, 408, 429 (with its {@code Retry-After}) or 5xx; otherwise
     * {@link Attempt.Kind#PERMANENT}. Never completes exceptionally; completes on this client's pool.
     */
    public CompletableFuture<Attempt> attempt(ProviderConfig provider, SmsRequest request) {
        HttpRequest httpRequest;
        try {
            httpRequest = toHttpRequest(RequestRenderer.render(provider, request));
        } catch (RenderException e) {
            return CompletableFuture.completedFuture(permanent(provider, null, "cannot render request: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            // HttpClient refuses restricted headers (Host, Content-Length, Connection...); its message may quote the value
            return CompletableFuture.completedFuture(permanent(provider, null,
                    "the HTTP client refused the request: a header name is restricted or a value invalid"));
        }
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(httpRequest, BOUNDED_BODY);
        // completed on our pool, never on an HttpClient or timer thread: callers chain Kafka sends onto it
        CompletableFuture<Attempt> result = call.handleAsync((response, error) -> error == null
                ? judge(provider, response)
                : new Attempt(provider.name(), Attempt.Kind.RETRYABLE, null, describe(error), null, Instant.now()),
                executor);
        // the request timeout covers the wait for the status line; this also bounds a body that trickles
        String name = provider.name();
        ScheduledFuture<?> timer = timeouts.schedule(() -> completeOnPool(result, () -> new Attempt(name,
                Attempt.Kind.RETRYABLE, null, "timeout after " + timeout, null, Instant.now())),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> {
            timer.cancel(false);
            call.cancel(true);
        });
        return result;
    }

    /** Completes {@code result} on this client's pool, or here once the pool has been closed. */
    private void completeOnPool(CompletableFuture<Attempt> result, Supplier<Attempt> outcome) {
        try {
            executor.execute(() -> result.complete(outcome.get()));
        } catch (RejectedExecutionException closed) {
            result.complete(outcome.get());
        }
    }

    /** Timers of calls not yet ended; each call's timer leaves as soon as the call ends. */
    int pendingTimeouts() {
        return timeouts.getQueue().size();
    }

    static final int MAX_BODY = 64 * 1024;

    /** Keeps the first {@link #MAX_BODY} bytes of an answer for the body check: a provider's status JSON is small. */
    private static final HttpResponse.BodyHandler<String> BOUNDED_BODY = info -> HttpResponse.BodySubscribers.mapping(
            HttpResponse.BodySubscribers.ofByteArray(),
            bytes -> new String(bytes, 0, Math.min(bytes.length, MAX_BODY), java.nio.charset.StandardCharsets.UTF_8));

    static Attempt judge(ProviderConfig provider, HttpResponse<String> response) {
        int status = response.statusCode();
        Instant now = Instant.now();
        if (provider.successCodes().contains(status)) {
            String failed = BodyChecks.failure(provider.bodyCheck(), response.body());
            return failed == null ? new Attempt(provider.name(), Attempt.Kind.SENT, status, null, null, now)
                    : new Attempt(provider.name(), Attempt.Kind.PERMANENT, status,
                            "HTTP " + status + " from " + provider.name() + " but " + failed, null, now);
        }
        String reason = "HTTP " + status + " from " + provider.name();
        if (status == 429) {
            return new Attempt(provider.name(), Attempt.Kind.RETRYABLE, status, reason,
                    RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), now), now);
        }
        if (status == 408 || status >= 500) {
            return new Attempt(provider.name(), Attempt.Kind.RETRYABLE, status, reason, null, now);
        }
        return new Attempt(provider.name(), Attempt.Kind.PERMANENT, status, reason, null, now);
    }

    private static Attempt permanent(ProviderConfig provider, Integer status, String reason) {
        return new Attempt(provider.name(), Attempt.Kind.PERMANENT, status, reason, null, Instant.now());
    }

    private HttpRequest toHttpRequest(RenderedRequest rendered) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(rendered.uri()).timeout(timeout);
        for (Map.Entry<String, String> h : rendered.headers().entrySet()) {
            builder.header(h.getKey(), h.getValue());
        }
        byte[] body = rendered.body();
        HttpRequest.BodyPublisher publisher = rendered.method().equals("GET") || body.length == 0
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return builder.method(rendered.method(), publisher).build();
    }

    /** A short, value-free reason for a request that got no HTTP answer. */
    private String describe(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timeout after " + timeout;
        }
        if (e instanceof HttpTimeoutException) {
            return "timeout after " + timeout;
        }
        if (hasCause(e, UnresolvedAddressException.class)) {
            return "unknown host";
        }
        if (e instanceof ConnectException) {
            return e.getMessage() == null || e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")
                    ? "connection refused" : "cannot connect: " + e.getMessage();
        }
        if (e instanceof SSLException) {
            return "TLS failure: " + e.getMessage();
        }
        if (e instanceof IOException) {
            return "network error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        LOG.warn("provider call failed unexpectedly: {}", e.getClass().getName());
        return "unexpected failure: " + e.getClass().getSimpleName();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Ends the HTTP threads; requests still open fail. */
    @Override
    public void close() {
        timeouts.shutdownNow();
        executor.shutdownNow();
    }
}
