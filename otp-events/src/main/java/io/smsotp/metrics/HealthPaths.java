package io.smsotp.metrics;

/** The management paths every service answers, with no credentials and outside any API root. */
public final class HealthPaths {

    /** GET: 200 while the process runs (a liveness probe). */
    public static final String LIVE = "/health/live";

    /** GET: 200 when the service can do its work, else 503 with the reasons (a readiness probe). */
    public static final String READY = "/health/ready";

    /** GET: every meter, Prometheus text format. */
    public static final String METRICS = "/metrics";

    private HealthPaths() {
    }
}
