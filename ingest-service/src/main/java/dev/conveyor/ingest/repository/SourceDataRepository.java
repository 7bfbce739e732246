package dev.conveyor.ingest.repository;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import dev.conveyor.ingest.SourceRow;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

/**
 * Table {@code source_data}, and the outbox entries that go with new rows. Rows are written with
 * COPY (a million-row upload is a thousand COPYs, not a million statements or a JSON array that
 * PostgreSQL parses again).
 */
@ApplicationScoped
public class SourceDataRepository implements PanacheRepositoryBase<SourceData, UUID> {

    private static final String UNIQUE_VIOLATION = "23505";

    /**
     * Writes rows whose reference ids this service has just made (random UUIDs: REST, uploads,
     * pulled sources) and an outbox entry for each, with two COPYs and no per-row statement.
     */
    public void insertNewWithOutbox(List<SourceRow> rows, String traceparent) {
        if (rows.isEmpty()) {
            return;
        }
        withConnection(connection -> {
            copyWithOutbox(connection, rows, traceparent);
            return null;
        });
    }

    /**
     * Inserts the rows whose reference id is not stored yet and an outbox entry for each of them,
     * and returns the ids it inserted. Rows already there (redelivered, or re-sent with the same
     * reference id) are left alone and are not published again. Most batches hold only new rows:
     * they are copied straight in; when one is a duplicate the copy is undone (to a savepoint) and
     * the batch goes through a temporary table and {@code on conflict do nothing}.
     */
    public List<UUID> insertMissingWithOutbox(List<SourceRow> rows, String traceparent) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return withConnection(connection -> {
            try (Statement savepoint = connection.createStatement()) {
                savepoint.execute("savepoint before_copy");
                try {
                    copyWithOutbox(connection, rows, traceparent);
                    savepoint.execute("release savepoint before_copy");
                    List<UUID> ids = new ArrayList<>(rows.size());
                    rows.forEach(row -> ids.add(row.referenceId()));
                    return ids;
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    savepoint.execute("rollback to savepoint before_copy");
                }
            }
            stage(connection, rows);
            try (PreparedStatement insert = connection.prepareStatement("""
                    with inserted as (
                        insert into source_data (%1$s)
                        select %1$s from source_data_incoming
                        on conflict (reference_id) do nothing
                        returning reference_id)
                    insert into row_outbox (reference_id, traceparent)
                    select reference_id, ? from inserted
                    returning reference_id
                    """.formatted(CopyText.SOURCE_DATA_COLUMNS))) {
                insert.setString(1, traceparent);
                return ids(insert);
            }
        });
    }

    /**
     * Inserts rows that were already published (read back from {@code conveyor.source-rows}) when
     * they are not stored yet; no outbox entry, they are on the topic already.
     */
    public List<UUID> insertMissing(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return withConnection(connection -> {
            stage(connection, rows);
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into source_data (%1$s)
                    select %1$s from source_data_incoming
                    on conflict (reference_id) do nothing
                    returning reference_id
                    """.formatted(CopyText.SOURCE_DATA_COLUMNS))) {
                return ids(insert);
            }
        });
    }

    public List<SourceRow> page(String source, int page, int size) {
        return find("sourceConnection", Sort.by("createdAt").and("batchId").and("line").and("referenceId"), source)
                .page(Page.of(page, size))
                .stream()
                .map(SourceData::toRow)
                .toList();
    }

    public long countBySource(String source) {
        return count("sourceConnection", source);
    }

    private static void copyWithOutbox(Connection connection, List<SourceRow> rows, String traceparent)
            throws SQLException, IOException {
        List<UUID> ids = new ArrayList<>(rows.size());
        rows.forEach(row -> ids.add(row.referenceId()));
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn("copy source_data (" + CopyText.SOURCE_DATA_COLUMNS + ") from stdin",
                new StringReader(CopyText.rows(rows)));
        copy.copyIn("copy row_outbox (reference_id, traceparent) from stdin",
                new StringReader(CopyText.outbox(ids, traceparent)));
    }

    /** Copies rows into this connection's temporary {@code source_data_incoming}, emptied at every commit. */
    private static void stage(Connection connection, List<SourceRow> rows) throws SQLException, IOException {
        try (Statement create = connection.createStatement()) {
            create.execute("create temporary table if not exists source_data_incoming "
                    + "(like source_data including defaults) on commit delete rows");
            // A rolled-back transaction leaves nothing behind; this one may have staged an earlier chunk.
            create.execute("delete from source_data_incoming");
        }
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy source_data_incoming (" + CopyText.SOURCE_DATA_COLUMNS + ") from stdin",
                new StringReader(CopyText.rows(rows)));
    }

    private static List<UUID> ids(PreparedStatement statement) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private <T> T withConnection(ConnectionWork<T> work) {
        return getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try {
                return work.run(connection);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException, IOException;
    }
}
