package io.smsotp.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import javax.sql.DataSource;

/** The one way the stores run a parameterised update. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Runs {@code sql} with positional {@code params} (null binds SQL NULL) and returns the row count. */
    public static int execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] == null) {
                    ps.setNull(i + 1, Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            return ps.executeUpdate();
        }
    }

    /** Work on one connection inside a transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on a connection of {@code db}: committed when it
     * returns, rolled back when it throws. A database error becomes an IllegalStateException
     * saying {@code what} failed.
     */
    public static <T> T inTransaction(DataSource db, String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }

    /** Whether {@code sql} (a query with positional {@code params}) finds a row. */
    public static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Makes sure the row {@code existsSql} looks for is there, inserting it with {@code insertSql}
     * when it is not: a counter row that exists, as it does from the second sign-in on, costs one
     * indexed SELECT instead of a savepoint, a failed INSERT and the duplicate-key exception the
     * driver builds for it (three per hosted login before). Two transactions that both find it
     * missing still meet in {@link #insertIfAbsent}.
     */
    public static void ensureRow(Connection c, String existsSql, Object[] key, String insertSql, Object... insertParams)
            throws SQLException {
        if (!exists(c, existsSql, key)) {
            insertIfAbsent(c, insertSql, insertParams);
        }
    }

    /**
     * Inserts with {@code sql} unless the row is there already (a duplicate key), in a way both H2
     * and PostgreSQL take inside a transaction: a savepoint around a plain INSERT. True when this
     * call inserted the row.
     */
    public static boolean insertIfAbsent(Connection c, String sql, Object... params) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            execute(c, sql, params);
            c.releaseSavepoint(before);
            return true;
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
            return false;
        }
    }
}
