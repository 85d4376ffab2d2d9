package io.smsotp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.auth.users.TestPostgres;
import io.smsotp.auth.users.UserStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The counter rows a sign-in charges (lockouts, failed passwords per IP) are looked up before they
 * are inserted, so a row that is there costs no INSERT (and no duplicate-key exception), on both
 * databases the product runs on.
 */
class JdbcEnsureRowTest {

    private static final String EXISTS = "SELECT 1 FROM lockouts WHERE account = ?";
    private static final String INSERT = "INSERT INTO lockouts (account, failures, locks, locked_until) VALUES (?, 0, 0, 0)";
    /** An insert that can only fail: when it is not run, the call succeeds. */
    private static final String FAILING_INSERT = "INSERT INTO no_such_table (account) VALUES (?)";

    @TempDir
    Path dataDir;
    UserStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.smsotp.auth.users.TestPostgres#databases")
    void insertsAMissingRowOnceAndLeavesAnExistingOneWithoutTryingToInsertIt(String database) {
        store = UserStore.open(TestPostgres.settings(database), dataDir);
        var db = store.dataSource();

        assertThatThrownBy(() -> Jdbc.inTransaction(db, "test", c -> {
            Jdbc.ensureRow(c, EXISTS, new Object[] {"pw:alice"}, FAILING_INSERT, "pw:alice");
            return null;
        })).as("a missing row is inserted").isInstanceOf(IllegalStateException.class);

        Jdbc.inTransaction(db, "test", c -> {
            Jdbc.ensureRow(c, EXISTS, new Object[] {"pw:alice"}, INSERT, "pw:alice");
            return null;
        });
        boolean found = Jdbc.inTransaction(db, "test", c -> Jdbc.exists(c, EXISTS, "pw:alice"));
        assertThat(found).isTrue();

        Jdbc.inTransaction(db, "test", c -> {
            Jdbc.ensureRow(c, EXISTS, new Object[] {"pw:alice"}, FAILING_INSERT, "pw:alice");
            return null;
        });
    }
}
