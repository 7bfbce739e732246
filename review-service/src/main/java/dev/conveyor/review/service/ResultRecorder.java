package dev.conveyor.review.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.jboss.logging.Logger;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.ResultStatus;

/**
 * Applies task events to the results table, a batch per transaction, as upserts sent in JDBC
 * batches. The rule of {@link dev.conveyor.review.StatusTransition} is in the statements: an
 * issued task inserts a Pending row unless one exists; an outcome inserts its row, or moves a
 * Pending row to it, and leaves a terminal row alone. So a task and its result may be applied
 * by different instances at the same time without a unique-key violation, in any order, any
 * number of times.
 */
@ApplicationScoped
public class ResultRecorder {

    /** What a batch did to the table. */
    public record Applied(int changed, int unchanged) {
    }

    private static final Logger LOG = Logger.getLogger(ResultRecorder.class);

    private static final String INSERT_PENDING = """
            insert into results (result_id, workflow_id, run_id, reference_id, process_name, stage_index,
                                 status, model, issued_at, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (result_id) do nothing
            """;

    private static final String UPSERT_OUTCOME = """
            insert into results (result_id, workflow_id, run_id, reference_id, process_name, stage_index,
                                 status, result, error, model, prompt_tokens, completion_tokens, latency_ms,
                                 cost_usd, cached, attempts, issued_at, completed_at, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (result_id) do update
               set status = excluded.status, result = excluded.result, error = excluded.error,
                   model = excluded.model, prompt_tokens = excluded.prompt_tokens,
                   completion_tokens = excluded.completion_tokens, latency_ms = excluded.latency_ms,
                   cost_usd = excluded.cost_usd, cached = excluded.cached, attempts = excluded.attempts,
                   completed_at = excluded.completed_at, updated_at = excluded.updated_at
             where results.status = 'Pending'
            """;

    private final EntityManager entityManager;

    public ResultRecorder(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Applies the events; idempotent, so a batch whose transaction failed may be applied again. */
    @Transactional
    public Applied apply(List<ResultEvent> events) {
        // PostgreSQL keeps microseconds; truncating keeps what we return equal to what is stored
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // The same order in every transaction, so that two instances never wait on each other in a cycle.
        List<ResultEvent> ordered = events.stream().sorted(Comparator.comparing(ResultEvent::resultId)).toList();
        int[] changed = new int[1];
        entityManager.unwrap(Session.class).doWork(connection -> changed[0] = write(connection, ordered, now));
        Applied applied = new Applied(changed[0], events.size() - changed[0]);
        LOG.debugf("Applied %d task events: %d rows changed, %d unchanged", events.size(), applied.changed(),
                applied.unchanged());
        return applied;
    }

    private static int write(Connection connection, List<ResultEvent> events, Instant now) throws SQLException {
        int changed = 0;
        try (PreparedStatement pending = connection.prepareStatement(INSERT_PENDING);
                PreparedStatement outcome = connection.prepareStatement(UPSERT_OUTCOME)) {
            int pendings = 0;
            int outcomes = 0;
            for (ResultEvent event : events) {
                if (event instanceof ResultEvent.Issued issued) {
                    bindPending(pending, issued, now);
                    pending.addBatch();
                    pendings++;
                } else {
                    bindOutcome(outcome, (ResultEvent.Finished) event, now);
                    outcome.addBatch();
                    outcomes++;
                }
            }
            if (pendings > 0) {
                changed += sum(pending.executeBatch());
            }
            if (outcomes > 0) {
                changed += sum(outcome.executeBatch());
            }
        }
        return changed;
    }

    private static void bindPending(PreparedStatement ps, ResultEvent.Issued e, Instant now) throws SQLException {
        ps.setObject(1, e.resultId());
        ps.setObject(2, e.workflowId());
        ps.setObject(3, e.runId());
        ps.setObject(4, e.referenceId());
        ps.setString(5, PostgresText.safe(e.processName()));
        ps.setInt(6, e.stageIndex());
        ps.setString(7, ResultStatus.PENDING.label());
        ps.setString(8, PostgresText.safe(e.model()));
        ps.setObject(9, time(e.issuedAt()));
        ps.setObject(10, time(now));
        ps.setObject(11, time(now));
    }

    private static void bindOutcome(PreparedStatement ps, ResultEvent.Finished e, Instant now) throws SQLException {
        ps.setObject(1, e.resultId());
        ps.setObject(2, e.workflowId());
        ps.setObject(3, e.runId());
        ps.setObject(4, e.referenceId());
        ps.setString(5, PostgresText.safe(e.processName()));
        ps.setInt(6, e.stageIndex());
        ps.setString(7, e.status().label());
        ps.setString(8, PostgresText.safe(e.result()));
        ps.setString(9, PostgresText.safe(e.error()));
        ps.setString(10, PostgresText.safe(e.model()));
        ps.setInt(11, e.promptTokens());
        ps.setInt(12, e.completionTokens());
        ps.setLong(13, e.latencyMs());
        ps.setBigDecimal(14, e.costUsd());
        ps.setBoolean(15, e.cached());
        ps.setInt(16, e.attempts());
        ps.setObject(17, time(e.issuedAt()));
        if (e.finishedAt() == null) {
            ps.setNull(18, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(18, time(e.finishedAt()));
        }
        ps.setObject(19, time(now));
        ps.setObject(20, time(now));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Rows each statement changed; a driver that cannot tell (SUCCESS_NO_INFO) counts as one. */
    private static int sum(int[] counts) {
        int total = 0;
        for (int count : counts) {
            total += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(count, 0);
        }
        return total;
    }
}
