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

import dev.conveyor.ingest.SourceRow;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

/**
 * Table {@code source_data}, and the outbox chunks that go with new rows. Rows are written with
 * COPY (a million-row upload is a thousand COPYs, not a million statements or a JSON array that
 * PostgreSQL parses again).
 */
@ApplicationScoped
public class SourceDataRepository implements PanacheRepositoryBase<SourceData, UUID> {

    private static final String INSERT_STAGED = """
            insert into source_data (%1$s)
            select %1$s from source_data_incoming
            on conflict (reference_id) do nothing
            returning reference_id
            """.formatted(CopyText.SOURCE_DATA_COLUMNS);

    private static final String UNIQUE_VIOLATION = "23505";

    /**
     * Writes rows whose reference ids this service has just made (random UUIDs: REST, uploads,
     * pulled sources) as one outbox chunk: one entry, one COPY, no per-row statement.
     */
    public void insertNewWithOutbox(List<SourceRow> rows, String traceparent) {
        insertNewWithOutbox(rows, traceparent, null);
    }

    /**
     * The same, the chunk claimed by {@code claimedBy} (an upload publisher's transactional id) when
     * not null: the relay leaves it to that publisher.
     *
     * @return the chunk's id, or null when there were no rows
     */
    public Long insertNewWithOutbox(List<SourceRow> rows, String traceparent, String claimedBy) {
        if (rows.isEmpty()) {
            return null;
        }
        return withConnection(connection -> copyWithOutbox(connection, rows, traceparent, claimedBy));
    }

    /**
     * Inserts the rows whose reference id is not stored yet, as one outbox chunk, and returns the
     * ids it inserted. Rows already there (redelivered, or re-sent with the same reference id) are
     * left alone and are not published again. Most batches hold only new rows: they are copied
     * straight in; when one is a duplicate the copy is undone (to a savepoint) and the batch goes
     * through a temporary table and {@code on conflict do nothing}.
     */
    public List<UUID> insertMissingWithOutbox(List<SourceRow> rows, String traceparent) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return withConnection(connection -> {
            try (Statement savepoint = connection.createStatement()) {
                savepoint.execute("savepoint before_copy");
                try {
                    copyWithOutbox(connection, rows, traceparent, null);
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
            long chunk = newChunk(connection, rows.size(), traceparent, null);
            stage(connection, rows, chunk);
            List<UUID> inserted = insertStaged(connection);
            // The relay sizes its rounds by the count; a chunk with no new row has nothing to publish.
            try (PreparedStatement count = connection.prepareStatement(inserted.isEmpty()
                    ? "delete from row_outbox_chunk where chunk_id = ?"
                    : "update row_outbox_chunk set row_count = " + inserted.size() + " where chunk_id = ?")) {
                count.setLong(1, chunk);
                count.executeUpdate();
            }
            return inserted;
        });
    }

    /**
     * Inserts rows that were already published (read back from {@code conveyor.source-rows}) when
     * they are not stored yet; in no outbox chunk, they are on the topic already.
     */
    public List<UUID> insertMissing(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return withConnection(connection -> {
            stage(connection, rows, null);
            return insertStaged(connection);
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

    private static long copyWithOutbox(Connection connection, List<SourceRow> rows, String traceparent,
            String claimedBy) throws SQLException, IOException {
        long chunk = newChunk(connection, rows.size(), traceparent, claimedBy);
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy source_data (" + CopyText.SOURCE_DATA_COLUMNS + ") from stdin",
                new StringReader(CopyText.rows(rows, chunk)));
        return chunk;
    }

    /** The outbox entry of a chunk of rows written in this transaction: the relay publishes them once it commits. */
    private static long newChunk(Connection connection, int rows, String traceparent, String claimedBy)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into row_outbox_chunk (row_count, traceparent, claimed_by, claimed_at)
                values (?, ?, ?, case when cast(? as text) is null then null else now() end) returning chunk_id""")) {
            insert.setInt(1, rows);
            insert.setString(2, traceparent);
            insert.setString(3, claimedBy);
            insert.setString(4, claimedBy);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Moves the staged rows into {@code source_data}, but for reference ids stored already; the ids it inserted. */
    private static List<UUID> insertStaged(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_STAGED)) {
            return ids(insert);
        }
    }

    /** Copies rows into this connection's temporary {@code source_data_incoming}, emptied at every commit. */
    private static void stage(Connection connection, List<SourceRow> rows, Long chunk) throws SQLException, IOException {
        try (Statement create = connection.createStatement()) {
            create.execute("create temporary table if not exists source_data_incoming "
                    + "(like source_data including defaults) on commit delete rows");
            // A rolled-back transaction leaves nothing behind; this one may have staged an earlier chunk.
            create.execute("delete from source_data_incoming");
        }
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy source_data_incoming (" + CopyText.SOURCE_DATA_COLUMNS + ") from stdin",
                new StringReader(CopyText.rows(rows, chunk)));
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
