package io.smsotp.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * @param lockout when an account is locked after failed codes and passwords
 * @param trustedProxies the reverse proxies in front of auth-service, as CIDR blocks or addresses
 *     (empty by default: the connection's address is the client). Only a connection from one of
 *     them is believed about {@code X-Forwarded-For}, and the client is the rightmost address
 *     there that is not a trusted proxy
 * @param failedPasswordsPerIp failed passwords one client IP may send in a window before its
 *     sign-ins are refused until the window ends (default 30 in 10 minutes)
 * @param passwordHashing how many password checks (Argon2id, memory-hard) run at once and how many
 *     may wait; past that a sign-in answers 503
 * @param shutdownTimeout the longest a stop takes (default 8 s, 1 s .. 5 min): requests in progress
 *     are answered within it, those still waiting for otp-stream near its end with a 503
 * @param drainDelay how long a stop keeps serving while {@code /health/ready} answers 503, so that a
 *     load balancer polling it takes the instance out before its listener closes (default 0; part
 *     of {@code shutdownTimeout}, which it must leave at least a second of)
 */
public record AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending, String issuer,
                           String dataDir, Lockout lockout, List<String> trustedProxies,
                           Throttle failedPasswordsPerIp, PasswordHashing passwordHashing, Duration shutdownTimeout,
                           Duration drainDelay) {

    /** At most {@code max} failures from one client IP in a fixed window of {@code window}. */
    public record Throttle(Integer max, Duration window) {
        public Throttle {
            max = Settings.atLeast("auth.failedPasswordsPerIp.max", max, 30, 1);
            window = Settings.positive("auth.failedPasswordsPerIp.window", window, Duration.ofMinutes(10));
        }

        public static Throttle defaults() {
            return new Throttle(null, null);
        }
    }

    /**
     * Password checks at once ({@code concurrency}, default one per core: each takes a core and
     * Argon2's memory) and waiting ({@code queue}, default 4 per core).
     */
    public record PasswordHashing(Integer concurrency, Integer queue) {
        public PasswordHashing {
            int cores = Runtime.getRuntime().availableProcessors();
            concurrency = Settings.atLeast("auth.passwordHashing.concurrency", concurrency, cores, 1);
            queue = Settings.atLeast("auth.passwordHashing.queue", queue, 4 * cores, 0);
        }

        public static PasswordHashing defaults() {
            return new PasswordHashing(null, null);
        }
    }

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
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        List<String> canonical = new ArrayList<>();
        for (int i = 0; i < trustedProxies.size(); i++) {
            canonical.add(IpRange.parse("auth.trustedProxies[" + i + "]", trustedProxies.get(i)).toString());
        }
        trustedProxies = List.copyOf(canonical);
        failedPasswordsPerIp = Settings.orDefault(failedPasswordsPerIp, Throttle.defaults());
        passwordHashing = Settings.orDefault(passwordHashing, PasswordHashing.defaults());
        shutdownTimeout = Settings.shutdownTimeout("auth.shutdownTimeout", shutdownTimeout);
        drainDelay = Settings.orDefault(drainDelay, Duration.ZERO);
        if (drainDelay.isNegative() || drainDelay.plusSeconds(1).compareTo(shutdownTimeout) > 0) {
            throw new IllegalArgumentException("auth.drainDelay must be 0 or more and leave at least 1 s of"
                    + " auth.shutdownTimeout (" + shutdownTimeout + ") to finish requests, was " + drainDelay);
        }
    }

    /** Settings with the default shutdown timeout and no drain delay. */
    public AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending, String issuer,
                        String dataDir, Lockout lockout, List<String> trustedProxies, Throttle failedPasswordsPerIp,
                        PasswordHashing passwordHashing) {
        this(host, port, replyTimeout, maxPending, issuer, dataDir, lockout, trustedProxies, failedPasswordsPerIp,
                passwordHashing, null, null);
    }

    /** {@link #trustedProxies} as ranges. */
    public List<IpRange> trustedProxyRanges() {
        return trustedProxies.stream().map(p -> IpRange.parse("auth.trustedProxies", p)).toList();
    }

    /** Settings without the login-page parts (issuer and data dir take their defaults). */
    public AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending) {
        this(host, port, replyTimeout, maxPending, null, null, null, null, null, null);
    }

    /** Settings with the default lockout, taking the connection's address as the client IP. */
    public AuthSettings(String host, Integer port, Duration replyTimeout, Integer maxPending, String issuer,
                        String dataDir) {
        this(host, port, replyTimeout, maxPending, issuer, dataDir, null, null, null, null);
    }

    public static AuthSettings defaults() {
        return new AuthSettings(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same settings with {@code newDataDir}. */
    public AuthSettings withDataDir(String newDataDir) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, newDataDir, lockout, trustedProxies,
                failedPasswordsPerIp, passwordHashing, shutdownTimeout, drainDelay);
    }

    /** The same settings with {@code newIssuer}. */
    public AuthSettings withIssuer(String newIssuer) {
        return new AuthSettings(host, port, replyTimeout, maxPending, newIssuer, dataDir, lockout, trustedProxies,
                failedPasswordsPerIp, passwordHashing, shutdownTimeout, drainDelay);
    }

    /** The same settings with {@code proxies} as the trusted proxies. */
    public AuthSettings withTrustedProxies(List<String> proxies) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, dataDir, lockout, proxies,
                failedPasswordsPerIp, passwordHashing, shutdownTimeout, drainDelay);
    }

    /** The same settings with {@code throttle} for failed passwords per client IP. */
    public AuthSettings withFailedPasswordsPerIp(Throttle throttle) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, dataDir, lockout, trustedProxies,
                throttle, passwordHashing, shutdownTimeout, drainDelay);
    }

    /** The same settings with {@code hashing} for password checks. */
    public AuthSettings withPasswordHashing(PasswordHashing hashing) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, dataDir, lockout, trustedProxies,
                failedPasswordsPerIp, hashing, shutdownTimeout, drainDelay);
    }

    /** The same settings with {@code newLockout}. */
    public AuthSettings withLockout(Lockout newLockout) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, dataDir, newLockout, trustedProxies,
                failedPasswordsPerIp, passwordHashing, shutdownTimeout, drainDelay);
    }

    /** The same settings with {@code timeout} as the longest a stop takes and {@code delay} as its drain delay. */
    public AuthSettings withShutdown(Duration timeout, Duration delay) {
        return new AuthSettings(host, port, replyTimeout, maxPending, issuer, dataDir, lockout, trustedProxies,
                failedPasswordsPerIp, passwordHashing, timeout, delay);
    }
}
