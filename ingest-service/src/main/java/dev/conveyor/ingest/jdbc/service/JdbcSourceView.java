package dev.conveyor.ingest.jdbc.service;

import java.time.Instant;

import dev.conveyor.ingest.jdbc.repository.JdbcSourceEntity;

/** A JDBC source as the API shows it: the credentials reference, never a secret. */
public record JdbcSourceView(String name, String sourceConnection, String jdbcUrl, String credentials, String query,
        String incrementalColumn, Long pullEverySeconds, String lastValue, Instant lastPulledAt, String lastError,
        long rowsImported) {

    static JdbcSourceView of(JdbcSourceEntity e) {
        return new JdbcSourceView(e.name, JdbcSourceReader.sourceConnection(e.name), e.jdbcUrl, e.credentials, e.query,
                e.incrementalColumn, e.pullEverySeconds, e.lastValue, e.lastPulledAt, e.lastError, e.rowsImported);
    }
}
