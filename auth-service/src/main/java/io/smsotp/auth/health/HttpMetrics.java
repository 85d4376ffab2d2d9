package io.smsotp.auth.health;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;

/**
 * Times every HTTP request: {@code http_server_requests_seconds{method, uri, status}}, where
 * {@code uri} is the route template ({@code /api/v1/challenges/{id}}, never the id itself), or
 * {@code UNMATCHED} when no route's handler ran (404, or refused before it, e.g. a 401).
 */
public final class HttpMetrics {

    public static final String REQUESTS = "http.server.requests";
    public static final String UNMATCHED = "UNMATCHED";
    private static final String STARTED = HttpMetrics.class.getName() + ".started";

    private final MeterRegistry registry;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Adds the before/after hooks for every path; register first, so that the clock starts first. */
    public void register(RoutesConfig routes) {
        routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        // after-handlers run once an async answer completes too, and after the error mappers
        routes.after(this::record);
    }

    private void record(Context ctx) {
        Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        Timer.builder(REQUESTS)
                .tags("method", ctx.method().name().toUpperCase(Locale.ROOT), "uri", template(ctx),
                        "status", Integer.toString(ctx.statusCode()))
                .description("HTTP requests answered, by route template and status")
                .register(registry)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static String template(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? UNMATCHED : matched.path;
    }
}
