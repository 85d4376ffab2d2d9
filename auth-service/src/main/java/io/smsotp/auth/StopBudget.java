package io.smsotp.auth;

import io.smsotp.config.AuthSettings;
import java.time.Duration;

/**
 * How a stop of auth-service spends {@code auth.shutdownTimeout} after its {@code drainDelay}:
 * {@code http} for Jetty to finish the requests in progress, of which requests still waiting for
 * otp-stream get until {@code cutoff} before they are answered 503; then {@code close} for the
 * gateway's flush and the clients.
 */
record StopBudget(Duration http, Duration cutoff, Duration close) {

    static StopBudget of(AuthSettings auth) {
        Duration afterDrain = auth.shutdownTimeout().minus(auth.drainDelay());
        Duration close = min(Duration.ofSeconds(2), afterDrain.dividedBy(4));
        Duration http = afterDrain.minus(close);
        // the 503s need a moment to be written before Jetty's wait ends
        Duration cutoff = http.minus(min(Duration.ofSeconds(1), http.dividedBy(4)));
        return new StopBudget(http, cutoff, close);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
