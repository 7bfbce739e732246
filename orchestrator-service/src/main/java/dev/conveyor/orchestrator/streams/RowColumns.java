package dev.conveyor.orchestrator.streams;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import dev.conveyor.orchestrator.ProcessSteps;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.WorkflowDefined;

/**
 * Which columns of a row the orchestrator keeps: those the source's workflows read (see
 * docs/decisions/11-row-columns.md). A source without a workflow yet keeps every column, since
 * nothing says which will be read. The column sets are derived from the global workflow store
 * and re-read when the number of workflows changes or every two seconds.
 */
final class RowColumns {

    private static final long REFRESH_MS = 2_000;

    private final boolean keepAll;
    private KeyValueStore<String, ValueAndTimestamp<WorkflowDefined>> workflows;
    private ProcessorContext<?, ?> context;
    private Map<String, Set<String>> bySource = Map.of();
    private long readAt = Long.MIN_VALUE;
    private long readCount = -1;

    RowColumns(boolean keepAll) {
        this.keepAll = keepAll;
    }

    void init(ProcessorContext<?, ?> context) {
        this.context = context;
        this.workflows = context.getStateStore(OrchestratorTopology.WORKFLOWS_STORE);
    }

    Map<String, String> keep(String source, Map<String, String> columns) {
        if (keepAll) {
            return columns;
        }
        Set<String> read = columnsRead(source);
        if (read.isEmpty()) {
            return columns;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        columns.forEach((name, value) -> {
            if (read.contains(name)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    private Set<String> columnsRead(String source) {
        long now = context.currentSystemTimeMs();
        long workflowCount = workflows.approximateNumEntries();
        // A new workflow shows at once in the count; an edited one within the refresh period.
        if (readAt == Long.MIN_VALUE || workflowCount != readCount || now - readAt > REFRESH_MS) {
            readCount = workflowCount;
            Map<String, Set<String>> fresh = new HashMap<>();
            try (KeyValueIterator<String, ValueAndTimestamp<WorkflowDefined>> it = workflows.all()) {
                while (it.hasNext()) {
                    ValueAndTimestamp<WorkflowDefined> entry = it.next().value;
                    if (entry == null || entry.value() == null) {
                        continue;
                    }
                    WorkflowDefined workflow = entry.value();
                    Set<String> columns = fresh.computeIfAbsent(workflow.getSourceConnection(),
                            s -> new LinkedHashSet<>());
                    for (ProcessStep step : ProcessSteps.current(workflow.getProcesses())) {
                        columns.add(step.getColumn());
                        columns.addAll(step.getColumns());
                    }
                }
            }
            bySource = fresh;
            readAt = now;
        }
        return bySource.getOrDefault(source, Set.of());
    }
}
