package dev.conveyor.orchestrator.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.MemberState;
import dev.conveyor.schemas.PartitionRunStatus;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RowKept;
import dev.conveyor.schemas.RunDirectiveIssued;
import dev.conveyor.schemas.RunMember;
import dev.conveyor.schemas.RunOrdering;
import dev.conveyor.schemas.RunPartition;
import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.SourceRowsCounted;
import dev.conveyor.schemas.StageCounts;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.TaskIds;
import dev.conveyor.schemas.kafka.Topics;

/**
 * One partition's share of every run. Rows, results and directives arrive keyed by reference id
 * (directives are written to each partition), so a run's members are spread over every partition
 * and instance, and this processor only ever touches its own.
 *
 * <p>Tasks go out in chunks: each tick issues at most {@code chunkSize} tasks over all runs (so a
 * transaction never holds more), behind a cursor kept in the run's partition state, and never
 * more than {@code maxInFlight} of a run at once, so results pull the next ones. A task without a
 * result by its deadline is issued once more, then Failed. Counts go to the run's coordinator as
 * whole reports (a result writes this partition's few counters, not the run); the coordinator
 * opens the next stage when every partition's count says the stage is done.
 */
final class RunPartitionProcessor implements Processor<String, SpecificRecordBase, String, SpecificRecordBase> {

    private static final Logger LOG = LoggerFactory.getLogger(RunPartitionProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final OrchestrationSettings settings;
    private final RowColumns rowColumns;
    private final TaskTraces traces;
    private ProcessorContext<String, SpecificRecordBase> context;
    private int partition;
    private KeyValueStore<String, RowKept> rows;
    private KeyValueStore<String, Long> sourceRows;
    private KeyValueStore<String, String> dirtySources;
    private KeyValueStore<String, RunDirectiveIssued> definitions;
    private KeyValueStore<String, RunPartition> runs;
    private KeyValueStore<String, RunMember> members;
    private KeyValueStore<String, String> deadlines;
    private KeyValueStore<String, String> forgetting;
    private KeyValueStore<String, String> continuous;
    /**
     * A run's definition never changes once started, and every result needs it: read from the
     * store once per processor (a restored or moved task starts with an empty cache), not decoded
     * again per result.
     */
    private final Map<String, RunDirectiveIssued> definitionCache = new java.util.HashMap<>();
    /*
     * In-memory mirrors of the three small index stores, read whole at init and written through:
     * every row asked "does this source have continuous runs?" and every tick "which sources and
     * runs are due?" through a store iterator, and opening one registers (and closing it removes)
     * a Kafka metric, re-registering the store's JMX bean each time: 7% of the benchmark's CPU
     * went to that for the continuous-runs lookup alone (docs/benchmarks.md).
     */
    private final Map<String, java.util.Set<String>> continuousBySource = new java.util.HashMap<>();
    private final java.util.Set<String> dirtySourceSet = new java.util.LinkedHashSet<>();
    private final java.util.Set<String> forgettingRuns = new java.util.LinkedHashSet<>();

    RunPartitionProcessor(OrchestrationSettings settings, RowColumns rowColumns) {
        this(settings, rowColumns, TaskTraces.copying());
    }

    RunPartitionProcessor(OrchestrationSettings settings, RowColumns rowColumns, TaskTraces traces) {
        this.settings = settings;
        this.rowColumns = rowColumns;
        this.traces = traces;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecordBase> context) {
        this.context = context;
        this.partition = context.taskId().partition();
        // a revived task's stores were restored: read them afresh
        definitionCache.clear();
        continuousBySource.clear();
        dirtySourceSet.clear();
        forgettingRuns.clear();
        rows = context.getStateStore(OrchestratorTopology.ROWS_STORE);
        sourceRows = context.getStateStore(OrchestratorTopology.PARTITION_SOURCE_ROWS_STORE);
        dirtySources = context.getStateStore(OrchestratorTopology.DIRTY_SOURCES_STORE);
        definitions = context.getStateStore(OrchestratorTopology.RUN_DEFINITIONS_STORE);
        runs = context.getStateStore(OrchestratorTopology.RUN_PARTITIONS_STORE);
        members = context.getStateStore(OrchestratorTopology.RUN_MEMBERS_STORE);
        deadlines = context.getStateStore(OrchestratorTopology.DEADLINES_STORE);
        forgetting = context.getStateStore(OrchestratorTopology.FORGETTING_STORE);
        continuous = context.getStateStore(OrchestratorTopology.CONTINUOUS_RUNS_STORE);
        try (KeyValueIterator<String, String> it = continuous.all()) {
            while (it.hasNext()) {
                String key = it.next().key;
                continuousBySource.computeIfAbsent(StoreKeys.first(key), s -> new java.util.LinkedHashSet<>())
                        .add(StoreKeys.second(key));
            }
        }
        try (KeyValueIterator<String, String> it = dirtySources.all()) {
            it.forEachRemaining(entry -> dirtySourceSet.add(entry.key));
        }
        try (KeyValueIterator<String, String> it = forgetting.all()) {
            it.forEachRemaining(entry -> forgettingRuns.add(entry.key));
        }
        rowColumns.init(context);
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    private long now() {
        return context.currentSystemTimeMs();
    }

    @Override
    public void process(Record<String, SpecificRecordBase> record) {
        if (record.value() instanceof RowIngested row) {
            onRow(row, TaskTraces.traceparent(record.headers()));
        } else if (record.value() instanceof RunDirectiveIssued directive) {
            onDirective(directive);
        } else if (record.value() instanceof TaskFinished result) {
            onResult(result);
        }
    }

    // ---- rows

    private void onRow(RowIngested row, String traceparent) {
        String source = row.getSourceConnection();
        String key = StoreKeys.of(source, row.getReferenceId());
        RowKept kept = rows.get(key);
        long seq;
        if (kept == null) {
            Long count = sourceRows.get(source);
            seq = count == null ? 1 : count + 1;
            sourceRows.put(source, seq);
            if (dirtySourceSet.add(source)) {
                dirtySources.put(source, "");
            }
        } else {
            seq = kept.getSeq();
        }
        RowKept stored = new RowKept(seq, rowColumns.keep(source, row.getColumns()), traceparent);
        rows.put(key, stored);
        if (kept == null) {
            joinContinuousRuns(source, row.getReferenceId(), stored);
        }
    }

    /** A new row of a source joins its continuous runs at once (when paused, at the resume's catch-up). */
    private void joinContinuousRuns(String source, String referenceId, RowKept row) {
        java.util.Set<String> runIds = continuousBySource.get(source);
        if (runIds == null) {
            return;
        }
        for (String runId : List.copyOf(runIds)) {
            RunPartition run = runs.get(runId);
            RunDirectiveIssued definition = definition(runId);
            if (run == null || definition == null || run.getStatus() == PartitionRunStatus.STOPPED) {
                continue;
            }
            run.setMembers(run.getMembers() + 1);
            if (run.getStatus() == PartitionRunStatus.RUNNING) {
                begin(run, definition, 0, referenceId, row, null);
            }
            run.setDirty(true);
            runs.put(runId, run);
        }
    }

    // ---- directives from the coordinator

    private void onDirective(RunDirectiveIssued directive) {
        String runId = directive.getRunId();
        switch (directive.getKind()) {
            case START -> start(directive);
            case OPEN_STAGE -> update(runId, run -> {
                if (directive.getStageIndex() > run.getStageIndex()) {
                    run.setEpoch(directive.getEpoch());
                    run.setStageIndex(directive.getStageIndex());
                    run.setCursor(null);
                    run.setCursorDone(false);
                    issue(run, settings.chunkSize()); // the first chunk at once: no wait for a tick
                }
            });
            case PAUSE -> update(runId, run -> setStatus(run, PartitionRunStatus.PAUSED));
            case RESUME -> update(runId, run -> {
                setStatus(run, PartitionRunStatus.RUNNING);
                if (definition(runId).getOrdering() == RunOrdering.PER_ROW) {
                    run.setCursor(null); // catch up the rows that ended a process while paused
                    run.setCursorDone(false);
                }
                issue(run, settings.chunkSize());
            });
            case CANCEL -> update(runId, run -> {
                setStatus(run, PartitionRunStatus.STOPPED);
                run.setEpoch(directive.getEpoch());
                report(run); // at once: the run ends on counts taken after the stop
            });
            case RETRY_FAILED -> update(runId, run -> {
                run.setEpoch(directive.getEpoch());
                run.setRetryStage(directive.getStageIndex());
                if (run.getCursorDone()) {
                    run.setCursor(null); // the stage scan is over: the cursor is the retry scan's now
                }
                report(run); // at once: the coordinator must not end the run on a report from before
            });
            case FORGET -> {
                if (runs.get(runId) != null || definition(runId) != null) {
                    forgetting.put(runId, "");
                    forgettingRuns.add(runId);
                }
            }
        }
    }

    private void setStatus(RunPartition run, PartitionRunStatus status) {
        if (run.getStatus() != PartitionRunStatus.STOPPED) {
            run.setStatus(status);
            run.setDirty(true);
        }
    }

    private void start(RunDirectiveIssued directive) {
        if (definition(directive.getRunId()) != null) {
            return; // redelivered
        }
        directive.setProcesses(ProcessSteps.current(directive.getProcesses()));
        definitions.put(directive.getRunId(), directive);
        definitionCache.put(directive.getRunId(), directive);
        Long seen = sourceRows.get(directive.getSourceConnection());
        long snapshot = seen == null ? 0 : seen;
        if (directive.getContinuous()) {
            continuous.put(StoreKeys.of(directive.getSourceConnection(), directive.getRunId()), "");
            continuousBySource.computeIfAbsent(directive.getSourceConnection(), s -> new java.util.LinkedHashSet<>())
                    .add(directive.getRunId());
        }
        List<StageCounts> stages = new ArrayList<>();
        directive.getProcesses().forEach(p -> stages.add(new StageCounts(0L, 0L, 0L, 0L, 0.0, 0L)));
        RunPartition run = RunPartition.newBuilder()
                .setRunId(directive.getRunId())
                .setSourceConnection(directive.getSourceConnection())
                .setStatus(PartitionRunStatus.RUNNING)
                .setEpoch(directive.getEpoch())
                // a continuous run takes every row, those to come included
                .setSnapshotSeq(directive.getContinuous() ? Long.MAX_VALUE : snapshot)
                .setMembers(snapshot)
                .setStages(stages)
                .build();
        issue(run, settings.chunkSize());
        runs.put(run.getRunId(), run);
        report(run); // the coordinator learns this partition's member count at once
    }

    private interface RunUpdate {
        void apply(RunPartition run);
    }

    private void update(String runId, RunUpdate update) {
        RunPartition run = runs.get(runId);
        if (run == null) {
            return;
        }
        update.apply(run);
        runs.put(runId, run);
    }

    // ---- issuing

    /** Issues up to {@code budget} tasks of the run's open work; returns how many records went out. */
    private int issue(RunPartition run, int budget) {
        if (run.getStatus() != PartitionRunStatus.RUNNING) {
            return 0;
        }
        RunDirectiveIssued definition = definition(run.getRunId());
        if (run.getCursorDone()) {
            return run.getRetryStage() >= 0 ? retryFailed(run, definition, budget) : 0;
        }
        int stage = run.getStageIndex();
        boolean perRow = definition.getOrdering() == RunOrdering.PER_ROW;
        int sent = 0;
        String source = run.getSourceConnection();
        String cursor = run.getCursor();
        boolean exhausted = true;
        try (KeyValueIterator<String, RowKept> it = rows.range(StoreKeys.after(source, run.getCursor()),
                StoreKeys.end(source))) {
            while (it.hasNext()) {
                if (sent >= budget || run.getInFlight() >= settings.maxInFlight()) {
                    exhausted = false;
                    break;
                }
                KeyValue<String, RowKept> entry = it.next();
                cursor = StoreKeys.second(entry.key);
                if (entry.value.getSeq() > run.getSnapshotSeq()) {
                    continue; // arrived after the run started: not a member
                }
                if (perRow) {
                    // Rows move on as their results come; this scan starts new rows and catches up
                    // the ones that ended a process while the run was paused.
                    RunMember member = members.get(StoreKeys.of(run.getRunId(), cursor));
                    if (member == null) {
                        sent += begin(run, definition, 0, cursor, entry.value, null);
                    } else if (member.getState() != MemberState.IN_FLIGHT
                            && member.getStage() + 1 < definition.getProcesses().size()) {
                        sent += begin(run, definition, member.getStage() + 1, cursor, entry.value, member);
                    }
                    continue;
                }
                RunMember member = stage == 0 ? null : members.get(StoreKeys.of(run.getRunId(), cursor));
                if (stage > 0 && (member == null || member.getStage() >= stage)) {
                    continue; // a member already past this stage, or a run whose state is being deleted
                }
                sent += begin(run, definition, stage, cursor, entry.value, member);
            }
        }
        run.setCursor(exhausted ? null : cursor);
        if (exhausted) {
            run.setCursorDone(true);
        }
        if (sent > 0 || exhausted) {
            run.setDirty(true);
        }
        return sent;
    }

    /**
     * Puts a member on {@code stage}: a task, or — when an earlier process Failed for the row and
     * the run skips such rows — a Skipped result naming that failure.
     */
    private int begin(RunPartition run, RunDirectiveIssued definition, int stage, String referenceId, RowKept row,
            RunMember previous) {
        ProcessStep step = definition.getProcesses().get(stage);
        String failedIn = previous == null ? null : previous.getFailedIn();
        StageCounts counts = run.getStages().get(stage);
        counts.setIssued(counts.getIssued() + 1);
        String memberKey = StoreKeys.of(run.getRunId(), referenceId);
        if (failedIn != null && definition.getFailedRows() == FailedRowPolicy.SKIP) {
            counts.setSkipped(counts.getSkipped() + 1);
            members.put(memberKey, new RunMember(stage, MemberState.SKIPPED, 0, 0L, failedIn));
            TaskIssued task = task(run, definition, stage, step, referenceId, row);
            forwardForRow(row, finished(task, TaskOutcome.SKIPPED, "not run: " + failedIn
                    + " Failed for this row (the workflow skips Failed rows)"));
            afterTerminal(run, definition, referenceId, stage, row);
            return 1;
        }
        long deadline = now() + settings.taskDeadline().toMillis();
        members.put(memberKey, new RunMember(stage, MemberState.IN_FLIGHT, 1, deadline, failedIn));
        deadlines.put(StoreKeys.deadline(deadline, run.getRunId(), referenceId), "");
        run.setInFlight(run.getInFlight() + 1);
        TaskIssued task = task(run, definition, stage, step, referenceId, row);
        forwardForRow(row, task);
        return 1;
    }

    private int retryFailed(RunPartition run, RunDirectiveIssued definition, int budget) {
        int stage = run.getRetryStage();
        int sent = 0;
        String cursor = run.getCursor();
        boolean exhausted = true;
        String runId = run.getRunId();
        try (KeyValueIterator<String, RunMember> it = members.range(StoreKeys.after(runId, cursor),
                StoreKeys.end(runId))) {
            while (it.hasNext()) {
                if (sent >= budget) {
                    exhausted = false;
                    break;
                }
                KeyValue<String, RunMember> entry = it.next();
                cursor = StoreKeys.second(entry.key);
                RunMember member = entry.value;
                if (member.getStage() != stage || member.getState() != MemberState.FAILED) {
                    continue;
                }
                RowKept row = rows.get(StoreKeys.of(run.getSourceConnection(), cursor));
                StageCounts counts = run.getStages().get(stage);
                counts.setFailed(counts.getFailed() - 1);
                // The retried task is this process's again; an earlier failure elsewhere still stands.
                String failedIn = definition.getProcesses().get(stage).getName().equals(member.getFailedIn())
                        ? null : member.getFailedIn();
                long deadline = now() + settings.taskDeadline().toMillis();
                members.put(entry.key, new RunMember(stage, MemberState.IN_FLIGHT, 1, deadline, failedIn));
                deadlines.put(StoreKeys.deadline(deadline, runId, cursor), "");
                run.setInFlight(run.getInFlight() + 1);
                TaskIssued task = task(run, definition, stage, definition.getProcesses().get(stage), cursor, row);
                forwardForRow(row, task);
                sent++;
            }
        }
        run.setCursor(cursor);
        if (exhausted) {
            run.setRetryStage(-1);
            run.setCursor(null);
        }
        run.setDirty(true);
        return sent;
    }

    private TaskIssued task(RunPartition run, RunDirectiveIssued definition, int stage, ProcessStep step,
            String referenceId, RowKept row) {
        Map<String, String> inputs = new LinkedHashMap<>();
        // A row without a column still gets a task: the worker fails it with a clear reason.
        for (String column : step.getColumns().isEmpty() ? List.of(step.getColumn()) : step.getColumns()) {
            inputs.put(column, row == null ? null : row.getColumns().get(column));
        }
        return TaskIssued.newBuilder()
                .setTaskId(TaskIds.taskId(run.getRunId(), step.getName(), referenceId))
                .setRunId(run.getRunId())
                .setWorkflowId(definition.getWorkflowId())
                .setReferenceId(referenceId)
                .setSourceConnection(run.getSourceConnection())
                .setProcessName(step.getName())
                .setStageIndex(stage)
                .setInputs(inputs)
                .setModel(definition.getModel())
                .setIssuedAt(java.time.Instant.ofEpochMilli(now()))
                .setProcess(step)
                .setMaxTokens(definition.getMaxTokens())
                .setMaxCostUsd(definition.getMaxCostUsd())
                .build();
    }

    private TaskFinished finished(TaskIssued task, TaskOutcome outcome, String reason) {
        return TaskFinished.newBuilder()
                .setTaskId(task.getTaskId()).setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId()).setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName()).setStageIndex(task.getStageIndex())
                .setOutcome(outcome).setError(reason).setModel(task.getModel())
                .setIssuedAt(task.getIssuedAt()).setFinishedAt(task.getIssuedAt())
                .setAttempts(0)
                .build();
    }

    // ---- results

    private void onResult(TaskFinished result) {
        String memberKey = StoreKeys.of(result.getRunId(), result.getReferenceId());
        RunMember member = members.get(memberKey);
        if (member == null || member.getStage() != result.getStageIndex()
                || member.getState() != MemberState.IN_FLIGHT) {
            return; // a duplicate, a late answer to a task already ended, or a forgotten run
        }
        RunPartition run = runs.get(result.getRunId());
        RunDirectiveIssued definition = definition(result.getRunId());
        if (run == null || definition == null) {
            return;
        }
        int stage = result.getStageIndex();
        long tokens = (long) result.getPromptTokens() + result.getCompletionTokens();
        terminal(run, member, memberKey, stage, result.getOutcome(), result.getCostUsd(), tokens,
                definition.getProcesses().get(stage).getName());
        run.setLastResultAt(now());
        afterTerminal(run, definition, result.getReferenceId(), stage, null);
        runs.put(run.getRunId(), run);
    }

    private void terminal(RunPartition run, RunMember member, String memberKey, int stage, TaskOutcome outcome,
            double cost, long tokens, String processName) {
        deadlines.delete(StoreKeys.deadline(member.getDeadlineAt(), run.getRunId(), StoreKeys.second(memberKey)));
        StageCounts counts = run.getStages().get(stage);
        switch (outcome) {
            case COMPLETED -> {
                counts.setCompleted(counts.getCompleted() + 1);
                member.setState(MemberState.COMPLETED);
            }
            case FAILED -> {
                counts.setFailed(counts.getFailed() + 1);
                member.setState(MemberState.FAILED);
                if (member.getFailedIn() == null) {
                    member.setFailedIn(processName);
                }
            }
            case SKIPPED -> {
                counts.setSkipped(counts.getSkipped() + 1);
                member.setState(MemberState.SKIPPED);
            }
        }
        counts.setCostUsd(counts.getCostUsd() + cost);
        counts.setTokens(counts.getTokens() + tokens);
        run.setCostUsd(run.getCostUsd() + cost);
        run.setTokens(run.getTokens() + tokens);
        run.setInFlight(run.getInFlight() - 1);
        run.setDirty(true);
        members.put(memberKey, member);
    }

    /**
     * After a member's process ends: in PER_ROW order the row moves on at once; in STAGED order a
     * partition whose stage is done reports at once, so the coordinator can open the next one.
     */
    private void afterTerminal(RunPartition run, RunDirectiveIssued definition, String referenceId, int stage,
            RowKept row) {
        if (definition.getOrdering() == RunOrdering.PER_ROW) {
            if (stage + 1 < definition.getProcesses().size() && run.getStatus() == PartitionRunStatus.RUNNING) {
                RowKept kept = row != null ? row : rows.get(StoreKeys.of(run.getSourceConnection(), referenceId));
                begin(run, definition, stage + 1, referenceId, kept,
                        members.get(StoreKeys.of(run.getRunId(), referenceId)));
            }
        } else if (stageDone(run, stage)) {
            report(run);
        }
    }

    private static boolean stageDone(RunPartition run, int stage) {
        StageCounts c = run.getStages().get(stage);
        return c.getCompleted() + c.getFailed() + c.getSkipped() >= run.getMembers();
    }

    // ---- the tick: chunks, deadlines, reports, retention

    private void tick(long timestamp) {
        int budget = settings.chunkSize();
        budget -= expireDeadlines(budget);
        List<RunPartition> changed = new ArrayList<>();
        try (KeyValueIterator<String, RunPartition> it = runs.all()) {
            while (it.hasNext()) {
                changed.add(it.next().value);
            }
        }
        for (RunPartition run : changed) {
            if (budget > 0 && run.getStatus() == PartitionRunStatus.RUNNING) {
                budget -= issue(run, budget);
            }
            if (run.getDirty()) {
                report(run);
            }
        }
        reportSourceRows();
        forget(Math.max(budget, settings.chunkSize() / 2));
    }

    /** Tasks past their deadline: issued once more, then Failed. Returns records written. */
    private int expireDeadlines(int budget) {
        int done = 0;
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = deadlines.range(StoreKeys.deadline(0, "", ""),
                StoreKeys.deadlineUpTo(now()))) {
            while (it.hasNext() && expired.size() < budget) {
                expired.add(it.next().key);
            }
        }
        for (String key : expired) {
            deadlines.delete(key);
            String rest = StoreKeys.second(key);
            String runId = StoreKeys.first(rest);
            String referenceId = StoreKeys.second(rest);
            String memberKey = StoreKeys.of(runId, referenceId);
            RunMember member = members.get(memberKey);
            RunPartition run = runs.get(runId);
            RunDirectiveIssued definition = definition(runId);
            if (member == null || run == null || definition == null || member.getState() != MemberState.IN_FLIGHT) {
                continue;
            }
            int stage = member.getStage();
            ProcessStep step = definition.getProcesses().get(stage);
            RowKept row = rows.get(StoreKeys.of(run.getSourceConnection(), referenceId));
            TaskIssued task = task(run, definition, stage, step, referenceId, row);
            if (member.getAttempts() < 2 && run.getStatus() != PartitionRunStatus.STOPPED) {
                long deadline = now() + settings.taskDeadline().toMillis();
                member.setAttempts(member.getAttempts() + 1);
                member.setDeadlineAt(deadline);
                members.put(memberKey, member);
                deadlines.put(StoreKeys.deadline(deadline, runId, referenceId), "");
                forwardForRow(row, task);
                LOG.info("Task {} of run {} had no result within {}: issued once more", task.getTaskId(), runId,
                        settings.taskDeadline());
            } else {
                String reason = "no result within " + describe(settings.taskDeadline()) + ", issued "
                        + member.getAttempts() + " times";
                terminal(run, member, memberKey, stage, TaskOutcome.FAILED, 0.0, 0L, step.getName());
                forwardForRow(row, finished(task, TaskOutcome.FAILED, reason));
                afterTerminal(run, definition, referenceId, stage, row);
                LOG.warn("Task {} of run {} Failed: {}", task.getTaskId(), runId, reason);
            }
            runs.put(runId, run);
            done++;
        }
        return done;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private void report(RunPartition run) {
        run.setDirty(false);
        runs.put(run.getRunId(), run);
        List<StageCounts> stages = run.getStages().stream().map(s -> StageCounts.newBuilder(s).build()).toList();
        RunPartitionReported report = RunPartitionReported.newBuilder()
                .setRunId(run.getRunId())
                .setSourceConnection(run.getSourceConnection())
                .setPartition(partition)
                .setMembers(run.getMembers())
                .setStages(stages)
                .setInFlight(run.getInFlight())
                .setCostUsd(run.getCostUsd())
                .setTokens(run.getTokens())
                .setLastResultAt(run.getLastResultAt() == null ? null
                        : java.time.Instant.ofEpochMilli(run.getLastResultAt()))
                .setReportedAt(java.time.Instant.ofEpochMilli(now()))
                .setEpoch(run.getEpoch())
                .setScanning(!run.getCursorDone() || run.getRetryStage() >= 0)
                .build();
        forward(run.getSourceConnection(), report);
    }

    private void reportSourceRows() {
        List<String> sources = List.copyOf(dirtySourceSet);
        for (String source : sources) {
            dirtySources.delete(source);
            dirtySourceSet.remove(source);
            Long count = sourceRows.get(source);
            forward(source, new SourceRowsCounted(source, partition, count == null ? 0 : count,
                    java.time.Instant.ofEpochMilli(now())));
        }
    }

    /** Deletes the state of runs past their retention, a bounded number of entries per tick. */
    private void forget(int budget) {
        for (String runId : List.copyOf(forgettingRuns)) {
            List<String> doomed = new ArrayList<>();
            try (KeyValueIterator<String, RunMember> it = members.prefixScan(StoreKeys.prefix(runId), KEYS)) {
                while (it.hasNext() && doomed.size() < budget) {
                    KeyValue<String, RunMember> entry = it.next();
                    doomed.add(entry.key);
                    if (entry.value.getState() == MemberState.IN_FLIGHT) {
                        deadlines.delete(StoreKeys.deadline(entry.value.getDeadlineAt(), runId,
                                StoreKeys.second(entry.key)));
                    }
                }
            }
            doomed.forEach(members::delete);
            budget -= doomed.size();
            if (budget <= 0) {
                return;
            }
            RunPartition run = runs.get(runId);
            RunDirectiveIssued definition = definition(runId);
            runs.delete(runId);
            definitions.delete(runId);
            definitionCache.remove(runId);
            forgetting.delete(runId);
            forgettingRuns.remove(runId);
            if (run != null) {
                continuous.delete(StoreKeys.of(run.getSourceConnection(), runId));
                java.util.Set<String> ofSource = continuousBySource.get(run.getSourceConnection());
                if (ofSource != null && ofSource.remove(runId) && ofSource.isEmpty()) {
                    continuousBySource.remove(run.getSourceConnection());
                }
            }
            if (run != null || definition != null) {
                String source = run != null ? run.getSourceConnection() : definition.getSourceConnection();
                forward(source, RunPartitionReported.newBuilder()
                        .setRunId(runId).setSourceConnection(source).setPartition(partition).setMembers(0)
                        .setStages(List.of()).setForgotten(true)
                        .setReportedAt(java.time.Instant.ofEpochMilli(now())).build());
            }
            LOG.info("Run {}: state of partition {} deleted (retention)", runId, partition);
        }
    }

    private RunDirectiveIssued definition(String runId) {
        RunDirectiveIssued cached = definitionCache.get(runId);
        if (cached == null) {
            cached = definitions.get(runId);
            if (cached != null) {
                definitionCache.put(runId, cached);
            }
        }
        return cached;
    }

    private void forward(String key, SpecificRecordBase value) {
        context.forward(new Record<>(key, value, now()));
    }

    /** A task (or a result the orchestrator writes itself), keyed by task id, with the row's trace context. */
    private void forwardForRow(RowKept row, SpecificRecordBase value) {
        String taskId = value instanceof TaskIssued task ? task.getTaskId() : ((TaskFinished) value).getTaskId();
        String topic = value instanceof TaskIssued ? Topics.LLM_TASKS.name() : Topics.LLM_RESULTS.name();
        context.forward(new Record<>(taskId, value, now(),
                traces.headers(row == null ? null : row.getTraceparent(), topic, taskId)));
    }
}
