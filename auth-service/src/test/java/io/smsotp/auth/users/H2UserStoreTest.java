package io.smsotp.auth.users;

import io.smsotp.config.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The user store on its default: an H2 file in the data dir. */
class H2UserStoreTest extends UserStoreContract {

    @Override
    DatabaseSettings newDatabase() {
        return DatabaseSettings.defaults();
    }

    @Override
    Connection connect(DatabaseSettings settings, Path dataDir) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(UserStore.H2_FILE)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    }
}
