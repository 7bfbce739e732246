package dev.conveyor.orchestrator.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.orchestrator.ProcessSteps;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.RunStatus;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.TaskIds;

/**
 * Walks runs stage by stage. Records arrive keyed by source, so one instance of this processor
 * sees every row, run and result of a source. A run snapshots the source's rows when it starts;
 * the tasks of process {@code k+1} are emitted only when every member row has a terminal result
 * for process {@code k}, each result counted once.
 *
 * <p>Every result adds its cost and tokens to the run's spend. When a budget is reached while the
 * run is RUNNING, the run becomes BUDGET_EXHAUSTED and one {@link RunHalted} goes out, which
 * makes the workers end the run's remaining tasks as SKIPPED; the halted run still counts its
 * stage's results and records {@code completedAt} once they are all in, but issues no further
 * stage.
 */
final class RunProcessor implements Processor<String, SpecificRecordBase, String, SpecificRecordBase> {

    private static final Logger LOG = LoggerFactory.getLogger(RunProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final Duration rowWaitTimeout;
    private ProcessorContext<String, SpecificRecordBase> context;
    private KeyValueStore<String, RowIngested> rows;
    private KeyValueStore<String, Long> sourceCounts;
    private KeyValueStore<String, RunProgress> runs;
    private KeyValueStore<String, String> runMembers;
    private KeyValueStore<String, String> waitingRuns;
    private KeyValueStore<String, String> tasksDone;

    RunProcessor(Duration rowWaitTimeout) {
        this.rowWaitTimeout = rowWaitTimeout;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecordBase> context) {
        this.context = context;
        rows = context.getStateStore(OrchestratorTopology.ROWS_STORE);
        sourceCounts = context.getStateStore(OrchestratorTopology.SOURCE_COUNTS_STORE);
        runs = context.getStateStore(OrchestratorTopology.RUNS_STORE);
        runMembers = context.getStateStore(OrchestratorTopology.RUN_MEMBERS_STORE);
        waitingRuns = context.getStateStore(OrchestratorTopology.WAITING_RUNS_STORE);
        tasksDone = context.getStateStore(OrchestratorTopology.TASKS_DONE_STORE);
        Duration every = rowWaitTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? rowWaitTimeout : Duration.ofSeconds(1);
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::startOverdueRuns);
    }

    /** The stream thread's wall clock (mockable in TopologyTestDriver tests). */
    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void process(Record<String, SpecificRecordBase> record) {
        if (record.value() instanceof RowIngested row) {
            onRow(record.key(), row);
        } else if (record.value() instanceof RunRequested command) {
            onRunRequested(record.key(), command);
        } else if (record.value() instanceof TaskFinished result) {
            onTaskFinished(result);
        }
    }

    private void onRow(String source, RowIngested row) {
        String key = StoreKeys.of(source, row.getReferenceId());
        if (rows.get(key) == null) {
            Long count = sourceCounts.get(source);
            sourceCounts.put(source, count == null ? 1 : count + 1);
        }
        rows.put(key, row);
        startWaitingRuns(source, false);
    }

    private void onRunRequested(String source, RunRequested command) {
        if (runs.get(command.getRunId()) != null) {
            return; // a redelivered command: the run exists already
        }
        RunProgress run = RunProgress.newBuilder()
                .setRunId(command.getRunId())
                .setWorkflowId(command.getWorkflowId())
                .setSourceConnection(source)
                .setProcesses(command.getProcesses())
                .setModel(command.getModel())
                .setStatus(RunStatus.WAITING_FOR_ROWS)
                .setExpectedRows(command.getExpectedRows())
                .setRequestedAt(command.getRequestedAt())
                .setMaxCostUsd(command.getMaxCostUsd())
                .setMaxTokens(command.getMaxTokens())
                .build();
        runs.put(run.getRunId(), run);
        waitingRuns.put(StoreKeys.of(source, run.getRunId()), "");
        startWaitingRuns(source, false);
    }

    /** Starts the runs of a source whose rows have all arrived, or all of them when overdue. */
    private void startWaitingRuns(String source, boolean overdueOnly) {
        long available = sourceCounts.get(source) == null ? 0 : sourceCounts.get(source);
        List<String> started = new ArrayList<>();
        try (KeyValueIterator<String, String> it = waitingRuns.prefixScan(StoreKeys.prefix(source), KEYS)) {
            while (it.hasNext()) {
                String runId = StoreKeys.second(it.next().key);
                RunProgress run = runs.get(runId);
                boolean overdue = now().isAfter(run.getRequestedAt().plus(rowWaitTimeout));
                if (overdueOnly ? overdue : available >= run.getExpectedRows()) {
                    if (available < run.getExpectedRows()) {
                        LOG.warn("Run {} starts with {} of the {} rows its command promised: waited {}", runId,
                                available, run.getExpectedRows(), rowWaitTimeout);
                    }
                    start(run);
                    started.add(StoreKeys.of(source, runId));
                }
            }
        }
        started.forEach(waitingRuns::delete);
    }

    private void startOverdueRuns(long timestamp) {
        List<String> sources = new ArrayList<>();
        try (KeyValueIterator<String, String> it = waitingRuns.all()) {
            while (it.hasNext()) {
                String key = it.next().key;
                String source = key.substring(0, key.indexOf(StoreKeys.SEP));
                if (sources.isEmpty() || !sources.get(sources.size() - 1).equals(source)) {
                    sources.add(source);
                }
            }
        }
        sources.forEach(source -> startWaitingRuns(source, true));
    }

    private void start(RunProgress run) {
        long members = 0;
        List<KeyValue<String, String>> snapshot = new ArrayList<>();
        try (KeyValueIterator<String, RowIngested> it =
                rows.prefixScan(StoreKeys.prefix(run.getSourceConnection()), KEYS)) {
            while (it.hasNext()) {
                String referenceId = StoreKeys.second(it.next().key);
                snapshot.add(KeyValue.pair(StoreKeys.of(run.getRunId(), referenceId), ""));
                members++;
            }
        }
        runMembers.putAll(snapshot);
        Instant now = now();
        run.setMemberCount(members);
        run.setStartedAt(now);
        if (members == 0 || run.getProcesses().isEmpty()) {
            complete(run, now);
        } else {
            run.setStatus(RunStatus.RUNNING);
            beginStage(run, 0, now);
        }
        runs.put(run.getRunId(), run);
    }

    private void beginStage(RunProgress run, int stage, Instant now) {
        run.setStageIndex(stage);
        run.setStageCompleted(0L);
        run.setStageFailed(0L);
        run.setStageSkipped(0L);
        run.setStageStartedAt(now);
        ProcessStep step = ProcessSteps.current(run.getProcesses().get(stage));
        try (KeyValueIterator<String, String> it = runMembers.prefixScan(StoreKeys.prefix(run.getRunId()), KEYS)) {
            while (it.hasNext()) {
                String referenceId = StoreKeys.second(it.next().key);
                RowIngested row = rows.get(StoreKeys.of(run.getSourceConnection(), referenceId));
                TaskIssued task = task(run, stage, step, referenceId, row, now);
                context.forward(new Record<String, SpecificRecordBase>(task.getTaskId(), task, now.toEpochMilli()));
            }
        }
        LOG.info("Run {} stage {} ({}): {} tasks issued", run.getRunId(), stage, step.getName(),
                run.getMemberCount());
    }

    private static TaskIssued task(RunProgress run, int stage, ProcessStep step, String referenceId, RowIngested row,
            Instant now) {
        Map<String, String> inputs = new LinkedHashMap<>();
        // A row without a column still gets a task: the worker fails it with a clear reason.
        for (String column : step.getColumns().isEmpty() ? List.of(step.getColumn()) : step.getColumns()) {
            inputs.put(column, row == null ? null : row.getColumns().get(column));
        }
        return TaskIssued.newBuilder()
                .setTaskId(TaskIds.taskId(run.getRunId(), step.getName(), referenceId))
                .setRunId(run.getRunId())
                .setWorkflowId(run.getWorkflowId())
                .setReferenceId(referenceId)
                .setSourceConnection(run.getSourceConnection())
                .setProcessName(step.getName())
                .setStageIndex(stage)
                .setInputs(inputs)
                .setModel(run.getModel())
                .setIssuedAt(now)
                .setProcess(step)
                .build();
    }

    private void onTaskFinished(TaskFinished result) {
        RunProgress run = runs.get(result.getRunId());
        if (run == null) {
            LOG.warn("Result {} names run {}, which this orchestrator does not know", result.getTaskId(),
                    result.getRunId());
            return;
        }
        if (tasksDone.get(result.getTaskId()) != null) {
            return; // a duplicate result: counted already
        }
        tasksDone.put(result.getTaskId(), result.getOutcome().name());
        // Spend is counted for every distinct result: the money is gone whatever the stage.
        run.setSpentCostUsd(run.getSpentCostUsd() + result.getCostUsd());
        run.setSpentTokens(run.getSpentTokens() + result.getPromptTokens() + result.getCompletionTokens());
        boolean counting = run.getStatus() == RunStatus.RUNNING
                || run.getStatus() == RunStatus.BUDGET_EXHAUSTED && run.getCompletedAt() == null;
        if (!counting || result.getStageIndex() != run.getStageIndex()) {
            LOG.warn("Result {} is for stage {} of run {}, which is at stage {} ({})", result.getTaskId(),
                    result.getStageIndex(), run.getRunId(), run.getStageIndex(), run.getStatus());
            runs.put(run.getRunId(), run);
            return;
        }
        switch (result.getOutcome()) {
            case COMPLETED -> {
                run.setStageCompleted(run.getStageCompleted() + 1);
                run.setTotalCompleted(run.getTotalCompleted() + 1);
            }
            case FAILED -> {
                run.setStageFailed(run.getStageFailed() + 1);
                run.setTotalFailed(run.getTotalFailed() + 1);
            }
            case SKIPPED -> {
                run.setStageSkipped(run.getStageSkipped() + 1);
                run.setTotalSkipped(run.getTotalSkipped() + 1);
            }
        }
        Instant now = now();
        boolean stageDone = run.getStageCompleted() + run.getStageFailed() + run.getStageSkipped()
                >= run.getMemberCount();
        boolean lastStage = run.getStageIndex() + 1 >= run.getProcesses().size();
        // A budget reached by the very result that ends the run stops nothing: the run is complete.
        if (run.getStatus() == RunStatus.RUNNING && !(stageDone && lastStage)) {
            budgetReached(run).ifPresent(reason -> halt(run, reason, now));
        }
        if (stageDone) {
            if (run.getStatus() == RunStatus.BUDGET_EXHAUSTED) {
                run.setCompletedAt(now);
                LOG.info("Run {} stopped on its budget after stage {}: {} completed, {} failed, {} skipped results",
                        run.getRunId(), run.getStageIndex(), run.getTotalCompleted(), run.getTotalFailed(),
                        run.getTotalSkipped());
            } else if (!lastStage) {
                beginStage(run, run.getStageIndex() + 1, now);
            } else {
                complete(run, now);
            }
        }
        runs.put(run.getRunId(), run);
    }

    /** Why the run must stop, when spend has reached a limit. */
    private static Optional<String> budgetReached(RunProgress run) {
        List<String> reached = new ArrayList<>();
        if (run.getMaxCostUsd() != null && run.getSpentCostUsd() >= run.getMaxCostUsd()) {
            reached.add(String.format(Locale.ROOT, "spent $%.4f of $%.4f", run.getSpentCostUsd(),
                    run.getMaxCostUsd()));
        }
        if (run.getMaxTokens() != null && run.getSpentTokens() >= run.getMaxTokens()) {
            reached.add("spent " + run.getSpentTokens() + " of " + run.getMaxTokens() + " tokens");
        }
        return reached.isEmpty() ? Optional.empty() : Optional.of("budget reached: " + String.join(", ", reached));
    }

    /** Only a RUNNING run is halted, and it leaves RUNNING for good: one RunHalted per run. */
    private void halt(RunProgress run, String reason, Instant now) {
        run.setStatus(RunStatus.BUDGET_EXHAUSTED);
        RunHalted halted = RunHalted.newBuilder().setRunId(run.getRunId()).setReason(reason).setHaltedAt(now).build();
        context.forward(new Record<String, SpecificRecordBase>(run.getRunId(), halted, now.toEpochMilli()));
        LOG.info("Run {} halted at stage {}: {}", run.getRunId(), run.getStageIndex(), reason);
    }

    private static void complete(RunProgress run, Instant now) {
        run.setStatus(RunStatus.COMPLETED);
        run.setCompletedAt(now);
        LOG.info("Run {} completed: {} completed, {} failed, {} skipped results", run.getRunId(),
                run.getTotalCompleted(), run.getTotalFailed(), run.getTotalSkipped());
    }
}
