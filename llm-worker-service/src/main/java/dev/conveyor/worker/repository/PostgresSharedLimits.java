package dev.conveyor.worker.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.conveyor.worker.service.PacedSlots;
import dev.conveyor.worker.service.SharedLimits;

/**
 * The rate-limit schedules in PostgreSQL: one row per model, read and written under its row lock
 * in one short transaction per call, with the database's clock, so that every instance takes
 * its slots from one schedule.
 */
public final class PostgresSharedLimits implements SharedLimits {

    private static final String LOCK = """
            INSERT INTO rate_limit_schedule (limit_key) VALUES (?) ON CONFLICT (limit_key) DO UPDATE
                SET limit_key = EXCLUDED.limit_key
            RETURNING request_tat, token_tat, paced, pace, pace_changed_at, logged_at, logged_tokens, extra_margin,
                last_limited_at,
                (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now_us
            """;
    private static final String STORE = """
            UPDATE rate_limit_schedule SET request_tat = ?, token_tat = ?, paced = ?, pace = ?, pace_changed_at = ?,
                logged_at = ?, logged_tokens = ?, extra_margin = ?, last_limited_at = ?
            WHERE limit_key = ?
            """;

    private final DataSource dataSource;

    public PostgresSharedLimits(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public PacedSlots.Decision reserve(String model, PacedSlots.Rates rates, long tokens, long horizonMicros) {
        PacedSlots.Decision[] decision = new PacedSlots.Decision[1];
        update(model, (state, now) -> {
            decision[0] = PacedSlots.reserve(state, now, rates, tokens, horizonMicros);
            return decision[0].granted() ? decision[0].next() : null;
        });
        return decision[0];
    }

    @Override
    public void rateLimited(String model, long pauseMicros) {
        update(model, (state, now) -> PacedSlots.rateLimited(state, now, pauseMicros));
    }

    @Override
    public boolean paced(String model) {
        boolean[] paced = new boolean[1];
        update(model, (state, now) -> {
            paced[0] = state.paced();
            return null;
        });
        return paced[0];
    }

    private interface Change {
        /** The state to store, or null to leave it. */
        PacedSlots.State apply(PacedSlots.State state, long nowMicros);
    }

    /** Locks the model's row (creating it), applies {@code change} and stores its result, in one transaction. */
    private void update(String model, Change change) {
        Transactions.inTransaction(dataSource, c -> {
            // A schedule lost in a crash costs nothing (the next calls start a new one); a
            // commit waiting for the disk holds the granted call back by a varying time,
            // which the window log cannot see.
            try (Statement async = c.createStatement()) {
                async.execute("SET LOCAL synchronous_commit = off");
            }
            PacedSlots.State state;
            long now;
            try (PreparedStatement lock = c.prepareStatement(LOCK)) {
                lock.setString(1, model);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    state = new PacedSlots.State(rs.getLong(1), rs.getLong(2), rs.getBoolean(3), rs.getDouble(4),
                            rs.getLong(5), longs(rs.getArray(6)), longs(rs.getArray(7)), rs.getLong(8),
                            rs.getLong(9));
                    now = rs.getLong(10);
                }
            }
            PacedSlots.State next = change.apply(state, now);
            if (next != null) {
                try (PreparedStatement store = c.prepareStatement(STORE)) {
                    store.setLong(1, next.requestTat());
                    store.setLong(2, next.tokenTat());
                    store.setBoolean(3, next.paced());
                    store.setDouble(4, next.pace());
                    store.setLong(5, next.paceChangedAt());
                    store.setArray(6, c.createArrayOf("bigint", boxed(next.loggedAt())));
                    store.setArray(7, c.createArrayOf("bigint", boxed(next.loggedTokens())));
                    store.setLong(8, next.extraMarginMicros());
                    store.setLong(9, next.lastLimitedAt());
                    store.setString(10, model);
                    store.executeUpdate();
                }
            }
            return null;
        });
    }

    private static long[] longs(java.sql.Array array) throws SQLException {
        if (array == null) {
            return new long[0];
        }
        Object[] values = (Object[]) array.getArray();
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = ((Number) values[i]).longValue();
        }
        return longs;
    }

    private static Long[] boxed(long[] values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
