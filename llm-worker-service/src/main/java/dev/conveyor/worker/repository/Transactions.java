package dev.conveyor.worker.repository;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.conveyor.worker.service.SharedLimits;

/**
 * The one transaction wrapper of the worker's stores: a connection without auto-commit, committed
 * when the work returns, rolled back when it throws; a database that cannot be reached (or fails
 * the statement) is {@link SharedLimits.Unavailable}, which the callers treat as "store down".
 */
final class Transactions {

    /** Statements run in one transaction; returns what the caller needs from them. */
    @FunctionalInterface
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SharedLimits.Unavailable(e.getMessage(), e);
        }
    }
}
