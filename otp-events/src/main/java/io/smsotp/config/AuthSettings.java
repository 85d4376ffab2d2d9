package io.smsotp.config;

import java.time.Duration;

/**
 * auth-service's HTTP face.
 *
 * @param host interface to bind; 127.0.0.1 by default, 0.0.0.0 in a container
 * @param replyTimeout how long a request waits for otp-stream's outcome before answering 503
 * @param maxPending requests one instance lets wait for otp-stream at once; past it, new requests
 *     answer 503 at once instead of queueing until the heap runs out
 */
public record AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending) {
    public AuthSettings {
        host = Settings.orDefault(host, "127.0.0.1");
        port = Settings.port("auth.port", port, 8080);
        replyTimeout = Settings.positive("auth.replyTimeout", replyTimeout, Duration.ofSeconds(5));
        maxPending = Settings.atLeast("auth.maxPending", maxPending, 2000, 1);
    }

    public static AuthSettings defaults() {
        return new AuthSettings(null, null, null, null);
    }
}
