package io.smsotp.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health and metrics endpoints of a service without an HTTP server of its own (otp-stream,
 * sms-dispatcher), on the JDK's HTTP server: {@link HealthPaths#LIVE}, {@link HealthPaths#READY}
 * and {@link HealthPaths#METRICS}, GET only.
 */
public final class ManagementServer implements AutoCloseable {

    /** The setting value that turns the server off (the launcher runs every service in one JVM). */
    public static final int OFF = -1;

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on every interface at {@code port} (0: any free port), so that probes from outside
     * the host (an orchestrator's) reach it.
     */
    public static ManagementServer start(String service, int port, ServiceMetrics metrics, Readiness readiness) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readiness, "readiness");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(service + " management server cannot listen on port " + port, e);
        }
        // one thread: probes and scrapes are rare and quick; they must never compete with the work
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, service + "-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                answer(exchange, metrics, readiness);
            }
        });
        server.start();
        ManagementServer m = new ManagementServer(server, executor);
        LOG.info("{} health and metrics on port {} ({}, {}, {})", service, m.port(), HealthPaths.LIVE,
                HealthPaths.READY, HealthPaths.METRICS);
        return m;
    }

    private static void answer(HttpExchange exchange, ServiceMetrics metrics, Readiness readiness) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean known = path.equals(HealthPaths.LIVE) || path.equals(HealthPaths.READY)
                || path.equals(HealthPaths.METRICS);
        if (!known) {
            send(exchange, 404, "application/json", "{\"error\":\"not found\"}");
            return;
        }
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            send(exchange, 405, "application/json", "{\"error\":\"method not allowed\"}");
            return;
        }
        switch (path) {
            case HealthPaths.LIVE -> send(exchange, 200, "application/json", Readiness.body(List.of()));
            case HealthPaths.READY -> {
                List<String> problems = problemsOf(readiness);
                send(exchange, problems.isEmpty() ? 200 : 503, "application/json", Readiness.body(problems));
            }
            default -> send(exchange, 200, ServiceMetrics.CONTENT_TYPE, metrics.scrape());
        }
    }

    private static List<String> problemsOf(Readiness readiness) {
        try {
            return readiness.problems();
        } catch (RuntimeException e) {
            // the type only: a message could quote a value
            return List.of("readiness check failed: " + e.getClass().getSimpleName());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
