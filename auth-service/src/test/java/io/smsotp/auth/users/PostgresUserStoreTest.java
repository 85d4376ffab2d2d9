package io.smsotp.auth.users;

import io.smsotp.config.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The user store on a real PostgreSQL that the tests start themselves; a fresh database per test. */
class PostgresUserStoreTest extends UserStoreContract {

    @Override
    DatabaseSettings newDatabase() {
        return new DatabaseSettings(TestPostgres.newDatabase(), "postgres", null, 4);
    }

    @Override
    Connection connect(DatabaseSettings settings, Path dataDir) throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.username(), "");
    }
}
