package dev.conveyor.review.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.conveyor.review.ProcessProgress;
import dev.conveyor.review.ResultFilter;
import dev.conveyor.review.ResultStatus;
import dev.conveyor.review.RunTotals;
import dev.conveyor.review.WorkflowProgress;
import dev.conveyor.review.repository.ResultEntity;
import dev.conveyor.review.repository.ResultRepository;

/** Reads the results table for the REST API. */
@ApplicationScoped
public class ResultQueryService {

    /** One page of results and how many match in all. */
    public record ResultSlice(List<ResultEntity> items, long total) {
    }

    private final ResultRepository repository;

    public ResultQueryService(ResultRepository repository) {
        this.repository = repository;
    }

    /** The count and the page come from one transaction, so they agree. */
    @Transactional
    public ResultSlice list(ResultFilter filter, int page, int size) {
        long total = repository.count(filter);
        // a page past the end (or past what an int offset can address) is simply empty
        boolean pastEnd = (long) page * size >= total;
        List<ResultEntity> items = pastEnd ? List.of() : repository.page(filter, page, size);
        return new ResultSlice(items, total);
    }

    @Transactional
    public Optional<ResultEntity> find(UUID resultId) {
        return repository.findByIdOptional(resultId);
    }

    @Transactional
    public WorkflowProgress progress(UUID workflowId, UUID runId) {
        // rows arrive ordered by stage; a process is its name at its stage
        Map<ProcessKey, long[]> counts = new LinkedHashMap<>();
        for (Object[] row : repository.countByProcessAndStatus(workflowId, runId)) {
            ProcessKey key = new ProcessKey((String) row[0], ((Number) row[1]).intValue());
            ResultStatus status = (ResultStatus) row[2];
            counts.computeIfAbsent(key, k -> new long[ResultStatus.values().length])[status.ordinal()] +=
                    ((Number) row[3]).longValue();
        }
        List<ProcessProgress> processes = new ArrayList<>();
        counts.forEach((key, c) -> processes.add(new ProcessProgress(key.name(), key.stage(),
                c[ResultStatus.PENDING.ordinal()], c[ResultStatus.COMPLETED.ordinal()],
                c[ResultStatus.FAILED.ordinal()], c[ResultStatus.SKIPPED.ordinal()])));
        long total = processes.stream().mapToLong(ProcessProgress::total).sum();
        return new WorkflowProgress(workflowId, total, processes);
    }

    /** What a run has done and cost, or empty when it has no results (unknown, or nothing issued yet). */
    @Transactional
    public Optional<RunTotals> totals(UUID runId) {
        return repository.totalsOfRun(runId);
    }

    private record ProcessKey(String name, int stage) {
    }
}
