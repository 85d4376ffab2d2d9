package io.smsotp.config;

import java.net.URI;
import java.time.Duration;

/**
 * auth-service's HTTP face.
 *
 * @param host interface to bind; 127.0.0.1 by default, 0.0.0.0 in a container
 * @param replyTimeout how long a request waits for otp-stream's outcome before answering 503
 * @param maxPending requests one instance lets wait for otp-stream at once; past it, new requests
 *     answer 503 at once instead of queueing until the heap runs out
 * @param issuer the public base URL of the login pages and the OIDC endpoints, as browsers and
 *     applications reach it (e.g. {@code https://login.example.com}); null means
 *     {@code http://localhost:<port>}, right for a laptop only
 * @param dataDir where auth-service keeps its keys (ID token signing, login context, backup code
 *     hashing) and the embedded user database; instances of one deployment share it (a volume),
 *     so that any of them can continue a login another began
 */
public record AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending, String issuer,
                           String dataDir) {

    /** Where auth-service keeps its keys and embedded database when the config names no place. */
    public static final String DEFAULT_DATA_DIR = "data/auth";

    public AuthSettings {
        host = Settings.orDefault(host, "127.0.0.1");
        port = Settings.port("auth.port", port, 8080);
        replyTimeout = Settings.positive("auth.replyTimeout", replyTimeout, Duration.ofSeconds(5));
        maxPending = Settings.atLeast("auth.maxPending", maxPending, 2000, 1);
        if (issuer != null) {
            URI uri = Settings.httpUrl("auth.issuer", issuer);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new ConfigException("auth.issuer must have no query or fragment, was " + issuer);
            }
            // one spelling: the issuer is compared as a string by every client
            issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        }
        dataDir = Settings.orDefault(dataDir, DEFAULT_DATA_DIR);
    }

    /** Settings without the login-page parts (issuer and data dir take their defaults). */
    public AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending) {
        this(host, port, replyTimeout, maxPending, null, null);
    }

    public static AuthSettings defaults() {
        return new AuthSettings(null, null, null, null, null, null);
    }

    /** The same settings with {@code newDataDir}. */
    public AuthSettings withDataDir(String newDataDir) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, newDataDir);
    }

    /** The same settings with {@code newIssuer}. */
    public AuthSettings withIssuer(String newIssuer) {
        return new AuthSettings(host, port, replyTimeout, maxPending, newIssuer, dataDir);
    }
}
