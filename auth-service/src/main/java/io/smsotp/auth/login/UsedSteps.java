package io.smsotp.auth.login;

import io.smsotp.auth.Jdbc;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The login contexts that have been answered. Every page carries a context with a fresh step id;
 * the step that takes it claims the id here first, so a context is good for one answer: posted
 * again (a replay after Cancel, the back button, the same form sent twice in parallel) it is
 * refused. The table is in the shared database, so this holds across instances; rows go once
 * their context has expired, when nothing could open it anyway.
 */
final class UsedSteps {

    /** How often one instance clears out expired rows. */
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final DataSource db;
    private final AtomicLong nextPurge = new AtomicLong();

    UsedSteps(DataSource db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** True for the first claim of {@code stepId}, false for every later one. */
    boolean claim(String stepId, Instant expiresAt, Instant now) {
        Objects.requireNonNull(stepId, "stepId");
        long purgeAt = nextPurge.get();
        boolean purge = now.toEpochMilli() >= purgeAt && nextPurge.compareAndSet(purgeAt,
                now.plus(PURGE_EVERY).toEpochMilli());
        return Jdbc.inTransaction(db, "claiming a login step", c -> {
            if (purge) {
                Jdbc.execute(c, "DELETE FROM login_steps_used WHERE expires_at < ?", now.toEpochMilli());
            }
            return Jdbc.insertIfAbsent(c, "INSERT INTO login_steps_used (step_id, expires_at) VALUES (?, ?)", stepId,
                    expiresAt.toEpochMilli());
        });
    }
}
