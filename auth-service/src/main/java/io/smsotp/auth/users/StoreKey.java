package io.smsotp.auth.users;

import java.nio.file.Path;

/**
 * The key that MACs backup codes, in a file in the data dir: the database alone must not be
 * enough to recover a code. Every instance that shares a PostgreSQL database needs a copy of the
 * same file; the store checks this at start and refuses a wrong key.
 */
final class StoreKey {

    static final String FILE_NAME = "user-store.key";

    private StoreKey() {
    }

    /** The key in {@code dataDir}, made on first use (file mode 0600, written whole). */
    static byte[] loadOrCreate(Path dataDir) {
        return io.smsotp.auth.SecretFiles.randomKey(dataDir, FILE_NAME, 32);
    }
}
