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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

/** A real HTTP server on 127.0.0.1 that plays an SMS provider and keeps every request it received. */
public final class FakeProvider implements AutoCloseable {

    /** A status that makes the server never answer (until it is closed). */
    public static final int NO_ANSWER = -1;

    /** One request as it arrived on the wire. */
    public record Received(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile ToIntFunction<Received> status = r -> 200;

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
        this.status = code;
        return this;
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
        try (exchange) {
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                    exchange.getRequestBody().readAllBytes());
            received.add(r);
            int code = status.applyAsInt(r);
            if (code == NO_ANSWER) {
                closing.await();
                return;
            }
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
