package dev.conveyor.review.repository;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.conveyor.review.ResultFilter;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ResultRepository implements PanacheRepositoryBase<ResultEntity, UUID> {

    /** Stable order for paging: result_id breaks every tie. */
    private static final Sort LIST_ORDER = Sort.by("stageIndex").and("issuedAt").and("referenceId").and("resultId");

    /**
     * Loads the rows of these ids and locks them until the transaction ends, so that two
     * consumers (after a rebalance) never move the same row from two stale reads.
     */
    public Map<UUID, ResultEntity> lockByIds(Collection<UUID> ids) {
        Map<UUID, ResultEntity> byId = new HashMap<>();
        if (ids.isEmpty()) {
            return byId;
        }
        find("resultId in ?1", ids).withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .forEach(entity -> byId.put(entity.getResultId(), entity));
        return byId;
    }

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
