package io.smsotp.auth.self;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed-in user of one area of smsotp's own pages, as its sealed cookie holds it.
 *
 * @param id random, names the session (CSRF tokens and pending changes are bound to it)
 * @param clientId the built-in client the user signed in through; a cookie of another area never opens here
 * @param issuedAt when the hosted login ended; the session ends {@link #ABSOLUTE} after it whatever happens
 * @param lastSeen the last request; the session ends {@link #IDLE} after it
 */
public record Session(String id, String username, String clientId, Instant issuedAt, Instant lastSeen) {

    /** A session unused this long is over. */
    public static final Duration IDLE = Duration.ofMinutes(30);
    /** No session lasts longer than this from its sign-in. */
    public static final Duration ABSOLUTE = Duration.ofHours(8);

    private static final SecureRandom RANDOM = new SecureRandom();

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(clientId, "clientId");
        issuedAt = Objects.requireNonNull(issuedAt, "issuedAt").truncatedTo(ChronoUnit.SECONDS);
        lastSeen = Objects.requireNonNull(lastSeen, "lastSeen").truncatedTo(ChronoUnit.SECONDS);
    }

    /** A new session of {@code username}, signed in now through {@code clientId}. */
    public static Session start(String username, String clientId, Instant now) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(id), username, clientId, now, now);
    }

    /** Whether the session still holds at {@code now}: neither idle too long nor too old. */
    public boolean liveAt(Instant now) {
        return now.isBefore(issuedAt.plus(ABSOLUTE)) && now.isBefore(lastSeen.plus(IDLE))
                && !lastSeen.isBefore(issuedAt);
    }

    /** The same session, used at {@code now}. */
    public Session seenAt(Instant now) {
        return new Session(id, username, clientId, issuedAt, now);
    }

    /** How long the cookie need live: until the absolute end. */
    Duration cookieLifetime(Instant now) {
        Duration left = Duration.between(now, issuedAt.plus(ABSOLUTE));
        return left.isNegative() ? Duration.ZERO : left;
    }

    @Override
    public String toString() {
        // the id is half of what a CSRF token proves: not for logs
        return "Session[username=" + username + ", clientId=" + clientId + ", issuedAt=" + issuedAt
                + ", lastSeen=" + lastSeen + "]";
    }
}
