package io.smsotp.dispatcher.testing;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** A real HTTP server on 127.0.0.1 that plays an SMS provider and keeps every request it received. */
public final class FakeProvider implements AutoCloseable {

    /** A status that makes the server never answer (until it is closed). */
    public static final int NO_ANSWER = -1;

    /**
     * One request as it arrived on the wire.
     *
     * @param nanos when it arrived ({@link System#nanoTime()})
     */
    public record Received(String method, String rawPath, String rawQuery, Headers headers, byte[] body, long nanos) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The value of a query parameter as sent (still percent-encoded), or null. */
        public String query(String name) {
            if (rawQuery == null) {
                return null;
            }
            for (String pair : rawQuery.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    /** What the server answers: a status ({@link #NO_ANSWER}: none), headers and a body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer of(int status) {
            return new Answer(status, Map.of(), "{\"ok\":true}");
        }

        public Answer withHeader(String name, String value) {
            Map<String, String> h = new java.util.LinkedHashMap<>(headers);
            h.put(name, value);
            return new Answer(status, h, body);
        }

        public Answer withBody(String text) {
            return new Answer(status, headers, text);
        }
    }

    static {
        // the JDK server writes headers and body apart: with Nagle on, each answer would wait ~40 ms
        // for the client's delayed ACK (read once per JVM, so set before any server is made)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Received, Answer> answer = r -> Answer.of(200);
    private volatile Duration delay = Duration.ZERO;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();

    public FakeProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers every request with {@code code} ({@link #NO_ANSWER}: none at all). */
    public FakeProvider answering(int code) {
        return answering(r -> code);
    }

    public FakeProvider answering(ToIntFunction<Received> code) {
        return replying(r -> Answer.of(code.applyAsInt(r)));
    }

    /** Answers each request as {@code reply} says: status, headers (Retry-After...) and body. */
    public FakeProvider replying(Function<Received, Answer> reply) {
        this.answer = reply;
        return this;
    }

    /** Answers each request only after {@code latency}, like a real provider's round trip. */
    public FakeProvider answeringAfter(Duration latency) {
        this.delay = latency;
        return this;
    }

    /** The most requests that were open at the same time. */
    public int maxConcurrent() {
        return maxOpen.get();
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until at least {@code n} requests arrived; returns them all. */
    public List<Received> awaitReceived(int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= n);
        return received();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int nowOpen = open.incrementAndGet();
        maxOpen.accumulateAndGet(nowOpen, Math::max);
        try (exchange) {
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                    exchange.getRequestBody().readAllBytes(), System.nanoTime());
            received.add(r);
            Answer a = answer.apply(r);
            if (a.status() == NO_ANSWER) {
                closing.await();
                return;
            }
            if (!delay.isZero() && closing.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
