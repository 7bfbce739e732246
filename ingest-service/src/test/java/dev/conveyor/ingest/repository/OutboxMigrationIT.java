package dev.conveyor.ingest.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.conveyor.testing.PostgresTestResource;

/**
 * Upgrading a database the previous version left with pending and parked outbox entries (V5) to
 * the outbox by chunk (V6) on a real PostgreSQL: every pending row is in a pending chunk, chunks
 * keep one trace context and at most 5,000 rows, parked rows keep their reason, published rows are
 * in no chunk.
 */
class OutboxMigrationIT {

    @Test
    void shouldMovePendingEntriesIntoChunksAndKeepParkedRows() throws Exception {
        Map<String, String> database = new PostgresTestResource().start();
        String url = database.get("quarkus.datasource.jdbc.url");
        String user = database.get("quarkus.datasource.username");
        String password = database.get("quarkus.datasource.password");
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("5").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            // 5,001 pending rows without a trace context, 2 with one, 1 parked, 1 published (no entry).
            s.execute("""
                    insert into source_data (reference_id, source_connection, columns, created_at, origin)
                    select gen_random_uuid(), 'legacy', '{"a": "1"}', now(), 'rest' from generate_series(1, 5005)""");
            s.execute("""
                    insert into row_outbox (reference_id, traceparent, parked_reason)
                    select reference_id,
                           case when n > 5001 and n <= 5003 then '00-trace-span-01' end,
                           case when n = 5004 then 'RecordTooLargeException: too big' end
                    from (select reference_id, row_number() over (order by reference_id) as n from source_data) d
                    where n <= 5004""");
        }

        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();

        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            assertThat(rows(s, "select row_count, coalesce(traceparent, '-') from row_outbox_chunk order by row_count"))
                    .containsExactly("1 -", "2 00-trace-span-01", "5000 -");
            assertThat(rows(s, """
                    select count(*) from source_data d join row_outbox_chunk o on o.chunk_id = d.outbox_chunk""")).containsExactly("5003");
            assertThat(rows(s, "select count(*) from source_data where outbox_chunk is null")).containsExactly("2");
            assertThat(rows(s, "select reason from row_parked")).containsExactly("RecordTooLargeException: too big");
            assertThat(rows(s, "select count(*) from pg_tables where tablename = 'row_outbox'")).containsExactly("0");
        }
    }

    private static List<String> rows(Statement s, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(rs.getString(i));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }
}
