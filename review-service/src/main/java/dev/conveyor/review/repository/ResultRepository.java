package dev.conveyor.review.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.query.NativeQuery;

import dev.conveyor.review.ProcessTotals;
import dev.conveyor.review.ResultFilter;
import dev.conveyor.review.RunTotals;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ResultRepository implements PanacheRepositoryBase<ResultEntity, UUID> {

    /**
     * A run's totals and its per-process totals in one statement (one snapshot, one scan): the
     * grouping set {@code ()} gives the run's row, which exists even when the run has no results
     * (tasks = 0), and {@code (process_name, stage_index)} one row per process, ordered after it.
     */
    private static final String RUN_TOTALS = """
            select grouping(process_name, stage_index) = 0 as per_process,
                   process_name,
                   stage_index,
                   -- a run belongs to one workflow; uuid has no min(), its text form does
                   cast(min(cast(workflow_id as text)) as uuid) as workflow_id,
                   count(*) as tasks,
                   count(*) filter (where status = 'Pending') as pending,
                   count(*) filter (where status = 'Completed') as completed,
                   count(*) filter (where status = 'Failed') as failed,
                   count(*) filter (where status = 'Skipped') as skipped,
                   coalesce(sum(prompt_tokens), 0) as prompt_tokens,
                   coalesce(sum(completion_tokens), 0) as completion_tokens,
                   coalesce(sum(cost_usd), 0) as cost_usd,
                   count(*) filter (where cached) as cache_hits,
                   coalesce(sum(attempts), 0) as attempts,
                   -- what the model takes to answer: cache hits cost no call, failures and skips are no answer
                   percentile_cont(0.5) within group (order by cast(latency_ms as double precision))
                       filter (where status = 'Completed' and not cached) as latency_ms_p50,
                   percentile_cont(0.99) within group (order by cast(latency_ms as double precision))
                       filter (where status = 'Completed' and not cached) as latency_ms_p99,
                   min(issued_at) as first_issued_at,
                   max(completed_at) as last_completed_at
              from results
             where run_id = :runId
             group by grouping sets ((), (process_name, stage_index))
             order by per_process, stage_index, process_name
            """;

    /** Stable order for paging: result_id breaks every tie. */
    private static final Sort LIST_ORDER = Sort.by("stageIndex").and("issuedAt").and("referenceId").and("resultId");

    public List<ResultEntity> page(ResultFilter filter, int page, int size) {
        return query(filter, LIST_ORDER).page(Page.of(page, size)).list();
    }

    public long count(ResultFilter filter) {
        return query(filter, null).count();
    }

    /** Counts per process and status: rows of (process_name, stage_index, status, count). */
    public List<Object[]> countByProcessAndStatus(UUID workflowId, UUID runId) {
        String select = "select r.processName, r.stageIndex, r.status, count(r) from ResultEntity r"
                + " where r.workflowId = :workflowId" + (runId == null ? "" : " and r.runId = :runId")
                + " group by r.processName, r.stageIndex, r.status"
                + " order by r.stageIndex, r.processName";
        var query = getEntityManager().createQuery(select, Object[].class).setParameter("workflowId", workflowId);
        if (runId != null) {
            query.setParameter("runId", runId);
        }
        return query.getResultList();
    }

    /** The run's totals, or empty when the run has no results. */
    public Optional<RunTotals> totalsOfRun(UUID runId) {
        @SuppressWarnings("unchecked")
        NativeQuery<Object[]> query = getEntityManager().createNativeQuery(RUN_TOTALS).unwrap(NativeQuery.class);
        List<Object[]> rows = query.setParameter("runId", runId)
                .addScalar("per_process", Boolean.class)
                .addScalar("process_name", String.class)
                .addScalar("stage_index", Integer.class)
                .addScalar("workflow_id", UUID.class)
                .addScalar("tasks", Long.class)
                .addScalar("pending", Long.class)
                .addScalar("completed", Long.class)
                .addScalar("failed", Long.class)
                .addScalar("skipped", Long.class)
                .addScalar("prompt_tokens", Long.class)
                .addScalar("completion_tokens", Long.class)
                .addScalar("cost_usd", BigDecimal.class)
                .addScalar("cache_hits", Long.class)
                .addScalar("attempts", Long.class)
                .addScalar("latency_ms_p50", Double.class)
                .addScalar("latency_ms_p99", Double.class)
                .addScalar("first_issued_at", Instant.class)
                .addScalar("last_completed_at", Instant.class)
                .getResultList();
        Object[] run = rows.get(0);
        if ((Long) run[4] == 0) {
            return Optional.empty();
        }
        List<ProcessTotals> processes = new ArrayList<>();
        for (Object[] row : rows.subList(1, rows.size())) {
            processes.add(new ProcessTotals((String) row[1], (Integer) row[2], (Long) row[4], (Long) row[6],
                    (Long) row[7], (Long) row[8], (Long) row[9], (Long) row[10], cost(row[11]), (Long) row[12]));
        }
        long promptTokens = (Long) run[9];
        long completionTokens = (Long) run[10];
        return Optional.of(new RunTotals(runId, (UUID) run[3], (Long) run[4], (Long) run[5], (Long) run[6],
                (Long) run[7], (Long) run[8], promptTokens, completionTokens, promptTokens + completionTokens,
                cost(run[11]), (Long) run[12], (Long) run[13], (Double) run[14], (Double) run[15],
                (Instant) run[16], (Instant) run[17], processes));
    }

    /** Sums keep the column's 6 decimals; a coalesced zero is given them too. */
    private static BigDecimal cost(Object sum) {
        return ((BigDecimal) sum).setScale(6);
    }

    private PanacheQuery<ResultEntity> query(ResultFilter filter, Sort sort) {
        StringBuilder where = new StringBuilder("workflowId = :workflowId");
        Parameters params = Parameters.with("workflowId", filter.workflowId());
        if (filter.processName() != null) {
            where.append(" and processName = :processName");
            params.and("processName", filter.processName());
        }
        if (filter.status() != null) {
            where.append(" and status = :status");
            params.and("status", filter.status());
        }
        if (filter.runId() != null) {
            where.append(" and runId = :runId");
            params.and("runId", filter.runId());
        }
        return sort == null ? find(where.toString(), params) : find(where.toString(), sort, params);
    }
}
