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
 * @param lockout when an account is locked after failed codes
 * @param trustForwardedFor whether the client IP (for the per-IP send limit) is taken from the
 *     first {@code X-Forwarded-For} address, for a deployment behind a proxy that sets it; else
 *     the connection's address
 */
public record AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending, String issuer,
                           String dataDir, Lockout lockout, Boolean trustForwardedFor) {

    /**
     * Account lockout: after {@code maxFailures} consecutive wrong codes across challenges the
     * account is locked for {@code baseDuration} × 2^(locks so far), at most {@code maxDuration}.
     */
    public record Lockout(Integer maxFailures, Duration baseDuration, Duration maxDuration) {
        public Lockout {
            maxFailures = Settings.atLeast("auth.lockout.maxFailures", maxFailures, 10, 1);
            if (maxFailures > 100) {
                // NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts
                throw new IllegalArgumentException("auth.lockout.maxFailures must be at most 100, was " + maxFailures);
            }
            baseDuration = Settings.positive("auth.lockout.baseDuration", baseDuration, Duration.ofMinutes(5));
            maxDuration = Settings.positive("auth.lockout.maxDuration", maxDuration, Duration.ofHours(24));
            if (maxDuration.compareTo(baseDuration) < 0) {
                throw new IllegalArgumentException("auth.lockout.maxDuration must be at least baseDuration");
            }
        }

        public static Lockout defaults() {
            return new Lockout(null, null, null);
        }
    }

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
        lockout = Settings.orDefault(lockout, Lockout.defaults());
        trustForwardedFor = Settings.orDefault(trustForwardedFor, false);
    }

    /** Settings without the login-page parts (issuer and data dir take their defaults). */
    public AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending) {
        this(host, port, replyTimeout, maxPending, null, null, null, null);
    }

    /** Settings with the default lockout, taking the connection's address as the client IP. */
    public AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending, String issuer,
                        String dataDir) {
        this(host, port, replyTimeout, maxPending, issuer, dataDir, null, null);
    }

    public static AuthSettings defaults() {
        return new AuthSettings(null, null, null, null, null, null, null, null);
    }

    /** The same settings with {@code newDataDir}. */
    public AuthSettings withDataDir(String newDataDir) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, newDataDir, lockout, trustForwardedFor);
    }

    /** The same settings with {@code newIssuer}. */
    public AuthSettings withIssuer(String newIssuer) {
        return new AuthSettings(host, port, replyTimeout, maxPending, newIssuer, dataDir, lockout, trustForwardedFor);
    }

    /** The same settings with {@code newLockout}. */
    public AuthSettings withLockout(Lockout newLockout) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, dataDir, newLockout, trustForwardedFor);
    }
}
