package io.smsotp.launcher.demo;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo app's sessions, in memory and keyed by a random cookie value: a pending login (state,
 * nonce, PKCE verifier) between {@code /login} and {@code /callback}, then the signed-in user.
 * A restart logs everybody out, which is fine for a demo.
 */
final class Sessions {

    /** What {@code /login} remembers for {@code /callback}. */
    record PendingLogin(String state, String nonce, String codeVerifier, Instant startedAt) {
    }

    /** One browser's session; a session holds at most one pending login (the newest). */
    static final class Session {
        private PendingLogin pending;
        private Html.SignedIn user;
        private Instant lastSeen;

        Session(Instant now) {
            this.lastSeen = now;
        }

        synchronized void startLogin(PendingLogin login) {
            this.pending = login;
        }

        /** Takes the pending login out, so a callback URL works once. */
        synchronized PendingLogin takePending() {
            PendingLogin p = pending;
            pending = null;
            return p;
        }

        synchronized Html.SignedIn user() {
            return user;
        }

        synchronized void signIn(Html.SignedIn signedIn) {
            this.user = signedIn;
        }

        synchronized Instant lastSeen() {
            return lastSeen;
        }

        synchronized void touch(Instant now) {
            lastSeen = now;
        }
    }

    static final Duration IDLE_TIMEOUT = Duration.ofHours(8);
    /** Enough for any demo; bounds the heap if someone scripts requests at it. */
    static final int MAX_SESSIONS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Clock clock;

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** The live session for a cookie value, if any. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        Instant now = clock.instant();
        if (s == null || s.lastSeen().plus(IDLE_TIMEOUT).isBefore(now)) {
            return Optional.empty();
        }
        s.touch(now);
        return Optional.of(s);
    }

    /** A new, empty session and its id (the cookie value). */
    Map.Entry<String, Session> create() {
        prune();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Session s = new Session(clock.instant());
        byId.put(id, s);
        return Map.entry(id, s);
    }

    void remove(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    private void prune() {
        Instant cutoff = clock.instant().minus(IDLE_TIMEOUT);
        byId.entrySet().removeIf(e -> e.getValue().lastSeen().isBefore(cutoff));
        while (byId.size() >= MAX_SESSIONS) {
            byId.entrySet().stream().min(Comparator.comparing(e -> e.getValue().lastSeen()))
                    .ifPresent(oldest -> byId.remove(oldest.getKey()));
        }
    }
}
