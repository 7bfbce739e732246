package dev.conveyor.worker.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import javax.sql.DataSource;

import dev.conveyor.worker.service.BudgetLedger;

/**
 * The run budget ledgers in PostgreSQL: a run's row (spent so far) is locked while its live
 * reservations are summed and a new one is added, so that instances reserving at once see each
 * other's; a settlement deletes the reservation and adds the usage in one transaction.
 */
public final class PostgresBudgetLedger implements BudgetLedger {

    private static final String LOCK_RUN = """
            INSERT INTO run_budget_ledger (run_id) VALUES (?) ON CONFLICT (run_id) DO UPDATE
                SET run_id = EXCLUDED.run_id
            RETURNING spent_tokens, spent_cost_usd
            """;
    private static final String EXPIRE = "DELETE FROM run_budget_reservation WHERE run_id = ? AND expires_at < now()";
    private static final String RESERVED = """
            SELECT coalesce(sum(tokens), 0), coalesce(sum(cost_usd), 0) FROM run_budget_reservation WHERE run_id = ?
            """;
    private static final String RESERVE = """
            INSERT INTO run_budget_reservation (reservation_id, run_id, tokens, cost_usd, expires_at)
            VALUES (?, ?, ?, ?, now() + ? * interval '1 millisecond')
            """;
    private static final String RELEASE = "DELETE FROM run_budget_reservation WHERE reservation_id = ?";
    private static final String SPEND = """
            INSERT INTO run_budget_ledger (run_id, spent_tokens, spent_cost_usd) VALUES (?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET spent_tokens = run_budget_ledger.spent_tokens + EXCLUDED.spent_tokens,
                spent_cost_usd = run_budget_ledger.spent_cost_usd + EXCLUDED.spent_cost_usd, updated_at = now()
            """;

    private final DataSource dataSource;

    public PostgresBudgetLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Decision reserve(String runId, Limits limits, long tokens, double costUsd, Duration lease) {
        return Transactions.inTransaction(dataSource, c -> {
            long spentTokens;
            double spentCost;
            try (PreparedStatement lock = c.prepareStatement(LOCK_RUN)) {
                lock.setString(1, runId);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    spentTokens = rs.getLong(1);
                    spentCost = rs.getDouble(2);
                }
            }
            try (PreparedStatement expire = c.prepareStatement(EXPIRE)) {
                expire.setString(1, runId);
                expire.executeUpdate();
            }
            long reservedTokens;
            double reservedCost;
            try (PreparedStatement reserved = c.prepareStatement(RESERVED)) {
                reserved.setString(1, runId);
                try (ResultSet rs = reserved.executeQuery()) {
                    rs.next();
                    reservedTokens = rs.getLong(1);
                    reservedCost = rs.getDouble(2);
                }
            }
            Decision decision = BudgetLedger.decide(limits, spentTokens, spentCost, reservedTokens, reservedCost);
            if (decision instanceof Granted granted) {
                try (PreparedStatement reserve = c.prepareStatement(RESERVE)) {
                    reserve.setString(1, granted.reservationId());
                    reserve.setString(2, runId);
                    reserve.setLong(3, tokens);
                    reserve.setDouble(4, costUsd);
                    reserve.setLong(5, lease.toMillis());
                    reserve.executeUpdate();
                }
            }
            return decision;
        });
    }

    @Override
    public void settle(String runId, String reservationId, long tokens, double costUsd) {
        Transactions.inTransaction(dataSource, c -> {
            try (PreparedStatement release = c.prepareStatement(RELEASE)) {
                release.setString(1, reservationId);
                release.executeUpdate();
            }
            try (PreparedStatement spend = c.prepareStatement(SPEND)) {
                spend.setString(1, runId);
                spend.setLong(2, tokens);
                spend.setDouble(3, costUsd);
                spend.executeUpdate();
            }
            return null;
        });
    }
}
