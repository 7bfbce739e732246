package dev.conveyor.worker.repository;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The worker's tables in its own database: the rate-limit schedules and the run budget ledgers
 * that every instance shares. Created if missing at start (three tables, no migrations yet; columns added later are added if missing);
 * ledgers of runs untouched for 30 days are deleted then.
 */
public final class WorkerStoreSchema {

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS rate_limit_schedule (
            limit_key text PRIMARY KEY,
            request_tat bigint NOT NULL DEFAULT 0,
            token_tat bigint NOT NULL DEFAULT 0,
            paced boolean NOT NULL DEFAULT false,
            pace double precision NOT NULL DEFAULT 1.0,
            pace_changed_at bigint NOT NULL DEFAULT 0)
        """,
        // the window log (PacedSlots): grant times and tokens of the calls of the last window
        "ALTER TABLE rate_limit_schedule ADD COLUMN IF NOT EXISTS logged_at bigint[] NOT NULL DEFAULT '{}'",
        "ALTER TABLE rate_limit_schedule ADD COLUMN IF NOT EXISTS logged_tokens bigint[] NOT NULL DEFAULT '{}'",
        // what later 429s added to the window log's margin, and when the last 429 came (pacing lapses)
        "ALTER TABLE rate_limit_schedule ADD COLUMN IF NOT EXISTS extra_margin bigint NOT NULL DEFAULT 0",
        "ALTER TABLE rate_limit_schedule ADD COLUMN IF NOT EXISTS last_limited_at bigint NOT NULL DEFAULT 0",
        """
        CREATE TABLE IF NOT EXISTS run_budget_ledger (
            run_id text PRIMARY KEY,
            spent_tokens bigint NOT NULL DEFAULT 0,
            spent_cost_usd double precision NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE TABLE IF NOT EXISTS run_budget_reservation (
            reservation_id text PRIMARY KEY,
            run_id text NOT NULL,
            tokens bigint NOT NULL,
            cost_usd double precision NOT NULL,
            expires_at timestamptz NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS run_budget_reservation_run ON run_budget_reservation (run_id)",
        "DELETE FROM run_budget_ledger WHERE updated_at < now() - interval '30 days'",
    };

    private WorkerStoreSchema() {
    }

    public static void create(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // Instances starting together: one creates, the others wait on its lock and find the tables.
            c.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(731000012)");
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            c.commit();
        }
    }
}
