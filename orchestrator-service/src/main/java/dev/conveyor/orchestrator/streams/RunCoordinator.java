package dev.conveyor.orchestrator.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.orchestrator.ProcessSteps;
import dev.conveyor.schemas.RunDirectiveIssued;
import dev.conveyor.schemas.RunDirectiveKind;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunLifecycleRequested;
import dev.conveyor.orchestrator.metrics.RunMeters;
import dev.conveyor.schemas.RunOrdering;
import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.RunStatus;
import dev.conveyor.schemas.SourceRowsCounted;
import dev.conveyor.schemas.StageCounts;

/**
 * A run's coordinator. Records arrive keyed by source, so one instance sees a run's command,
 * its lifecycle requests and every partition's reports; the work itself happens in the
 * partitions ({@link RunPartitionProcessor}). It starts a run once the partitions hold the rows
 * the command promises, opens a stage when every partition's count of the previous one is done,
 * halts a run whose spend reaches its budget, passes pause, resume, cancel and retry-failed on,
 * announces a finished run on {@code conveyor.run-completed}, and deletes its state (tombstones,
 * here and in every partition) once the retention has passed.
 *
 * <p>The run's definition ({@link RunProgress}) is written on status changes only; counters live
 * apart, one {@link RunPartitionReported} per partition, replaced by each report.
 */
final class RunCoordinator implements Processor<String, SpecificRecordBase, String, SpecificRecordBase> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCoordinator.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final OrchestrationSettings settings;
    private final RunMeters meters = RunMeters.global();
    private ProcessorContext<String, SpecificRecordBase> context;
    private KeyValueStore<String, RunProgress> runs;
    private KeyValueStore<String, RunPartitionReported> counts;
    private KeyValueStore<String, Long> sourceRows;
    private KeyValueStore<String, String> waitingRuns;

    RunCoordinator(OrchestrationSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecordBase> context) {
        this.context = context;
        runs = context.getStateStore(OrchestratorTopology.RUNS_STORE);
        counts = context.getStateStore(OrchestratorTopology.RUN_COUNTS_STORE);
        sourceRows = context.getStateStore(OrchestratorTopology.SOURCE_COUNTS_STORE);
        waitingRuns = context.getStateStore(OrchestratorTopology.WAITING_RUNS_STORE);
        context.schedule(settings.tick().multipliedBy(5), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void process(Record<String, SpecificRecordBase> record) {
        if (record.value() instanceof RunRequested command) {
            onRunRequested(record.key(), command);
        } else if (record.value() instanceof SourceRowsCounted rows) {
            sourceRows.put(StoreKeys.of(rows.getSourceConnection(), String.valueOf(rows.getPartition())),
                    rows.getRows());
            startWaitingRuns(rows.getSourceConnection(), false);
        } else if (record.value() instanceof RunPartitionReported report) {
            onReport(report);
        } else if (record.value() instanceof RunLifecycleRequested request) {
            onLifecycle(request);
        }
    }

    // ---- start

    private void onRunRequested(String source, RunRequested command) {
        if (runs.get(command.getRunId()) != null) {
            return; // a redelivered command: the run exists already
        }
        RunProgress run = RunProgress.newBuilder()
                .setRunId(command.getRunId())
                .setWorkflowId(command.getWorkflowId())
                .setSourceConnection(source)
                .setProcesses(ProcessSteps.current(command.getProcesses()))
                .setModel(command.getModel())
                .setStatus(RunStatus.WAITING_FOR_ROWS)
                .setExpectedRows(command.getExpectedRows())
                .setRequestedAt(command.getRequestedAt())
                .setMaxCostUsd(command.getMaxCostUsd())
                .setMaxTokens(command.getMaxTokens())
                // a continuous run walks rows as they come: per row by nature
                .setOrdering(command.getContinuous() ? RunOrdering.PER_ROW : command.getOrdering())
                .setContinuous(command.getContinuous())
                .setFailedRows(command.getFailedRows())
                .setPartitions(settings.partitions())
                .build();
        runs.put(run.getRunId(), run);
        waitingRuns.put(StoreKeys.of(source, run.getRunId()), "");
        startWaitingRuns(source, false);
    }

    private long rowsSeen(String source) {
        long total = 0;
        try (KeyValueIterator<String, Long> it = sourceRows.prefixScan(StoreKeys.prefix(source), KEYS)) {
            while (it.hasNext()) {
                total += it.next().value;
            }
        }
        return total;
    }

    /** Starts the runs of a source whose rows have all arrived, or all of them when overdue. */
    private void startWaitingRuns(String source, boolean overdueOnly) {
        long available = -1;
        List<String> started = new ArrayList<>();
        try (KeyValueIterator<String, String> it = waitingRuns.prefixScan(StoreKeys.prefix(source), KEYS)) {
            while (it.hasNext()) {
                String runId = StoreKeys.second(it.next().key);
                RunProgress run = runs.get(runId);
                if (run == null || run.getStatus() != RunStatus.WAITING_FOR_ROWS) {
                    started.add(StoreKeys.of(source, runId));
                    continue;
                }
                if (available < 0) {
                    available = rowsSeen(source);
                }
                boolean overdue = now().isAfter(run.getRequestedAt().plus(settings.rowWaitTimeout()));
                if (overdueOnly ? overdue : available >= run.getExpectedRows()) {
                    if (available < run.getExpectedRows()) {
                        LOG.warn("Run {} starts with {} of the {} rows its command promised: waited {}", runId,
                                available, run.getExpectedRows(), settings.rowWaitTimeout());
                    }
                    start(run);
                    started.add(StoreKeys.of(source, runId));
                }
            }
        }
        started.forEach(waitingRuns::delete);
    }

    private void start(RunProgress run) {
        Instant now = now();
        meters.runStarted();
        run.setStartedAt(now);
        run.setStageStartedAt(now);
        if (run.getProcesses().isEmpty()) {
            finish(run, RunStatus.COMPLETED, null, now);
            return;
        }
        run.setStatus(RunStatus.RUNNING);
        runs.put(run.getRunId(), run);
        directive(run, RunDirectiveKind.START, 0);
        LOG.info("Run {} started over {} partitions ({} order)", run.getRunId(), settings.partitions(),
                run.getOrdering());
    }

    private void directive(RunProgress run, RunDirectiveKind kind, int stage) {
        for (int p = 0; p < settings.partitions(); p++) {
            RunDirectiveIssued directive = RunDirectiveIssued.newBuilder()
                    .setRunId(run.getRunId())
                    .setWorkflowId(run.getWorkflowId())
                    .setSourceConnection(run.getSourceConnection())
                    .setKind(kind)
                    .setPartition(p)
                    .setStageIndex(stage)
                    .setProcesses(kind == RunDirectiveKind.START ? run.getProcesses() : List.of())
                    .setModel(kind == RunDirectiveKind.START ? run.getModel() : "")
                    .setOrdering(run.getOrdering())
                    .setFailedRows(run.getFailedRows())
                    .setIssuedAt(now())
                    .setEpoch(run.getEpoch())
                    .setContinuous(run.getContinuous())
                    // the budget goes with the tasks: workers reserve against it before each call
                    .setMaxTokens(kind == RunDirectiveKind.START ? run.getMaxTokens() : null)
                    .setMaxCostUsd(kind == RunDirectiveKind.START ? run.getMaxCostUsd() : null)
                    .build();
            context.forward(new Record<>(run.getRunId(), directive, now().toEpochMilli()));
        }
    }

    // ---- reports

    private void onReport(RunPartitionReported report) {
        RunProgress run = runs.get(report.getRunId());
        if (run == null) {
            return; // forgotten already
        }
        String key = StoreKeys.of(report.getRunId(), String.valueOf(report.getPartition()));
        if (report.getForgotten()) {
            counts.delete(key);
            return;
        }
        RunPartitionReported previous = counts.get(key);
        if (previous != null && previous.getReportedAt().isAfter(report.getReportedAt())) {
            return; // an older report of the same partition
        }
        counts.put(key, report);
        evaluate(run);
    }

    /** The run's counts over every partition that has reported: members, per-process counts, spend. */
    private RunTotals totals(RunProgress run) {
        return RunTotals.of(run, reports(run.getRunId()));
    }

    private List<RunPartitionReported> reports(String runId) {
        List<RunPartitionReported> reports = new ArrayList<>();
        try (KeyValueIterator<String, RunPartitionReported> it = counts.prefixScan(StoreKeys.prefix(runId), KEYS)) {
            while (it.hasNext()) {
                reports.add(it.next().value);
            }
        }
        return reports;
    }

    private void evaluate(RunProgress run) {
        if (run.getFinishedAt() != null || run.getStatus() == RunStatus.WAITING_FOR_ROWS) {
            return;
        }
        RunTotals totals = totals(run);
        if (!totals.everyPartitionSeen()) {
            return;
        }
        Instant now = now();
        boolean changed = false;
        if (run.getMemberCount() != totals.members()) {
            run.setMemberCount(totals.members());
            changed = true;
        }
        int stage = run.getStageIndex();
        int last = run.getProcesses().size() - 1;
        boolean staged = run.getOrdering() == RunOrdering.STAGED;
        // A continuous run has no last row: it ends when it is cancelled.
        boolean lastDone = !run.getContinuous() && totals.stageDone(last);
        boolean stageDone = staged ? totals.stageDone(stage) : lastDone;
        if ((run.getStatus() == RunStatus.RUNNING || run.getStatus() == RunStatus.PAUSED) && !lastDone) {
            Optional<String> reached = budgetReached(run, totals);
            if (reached.isPresent()) {
                run.setStatus(RunStatus.BUDGET_EXHAUSTED);
                run.setStopReason(reached.get());
                RunHalted halted = RunHalted.newBuilder().setRunId(run.getRunId()).setReason(reached.get())
                        .setHaltedAt(now).build();
                context.forward(new Record<>(run.getRunId(), halted, now.toEpochMilli()));
                run.setEpoch(run.getEpoch() + 1); // the end waits for each partition's count after the stop
                directive(run, RunDirectiveKind.CANCEL, stage);
                LOG.info("Run {} halted at stage {}: {}", run.getRunId(), stage, reached.get());
                changed = true;
            }
        }
        switch (run.getStatus()) {
            case RUNNING -> {
                if (lastDone) {
                    finish(run, RunStatus.COMPLETED, null, now);
                    return;
                }
                if (staged && stageDone) {
                    meters.stageEnded(run.getProcesses().get(stage).getName(), stage, run.getStageStartedAt(), now);
                    run.setEpoch(run.getEpoch() + 1);
                    run.setStageIndex(stage + 1);
                    run.setStageStartedAt(now);
                    directive(run, RunDirectiveKind.OPEN_STAGE, stage + 1);
                    changed = true;
                }
            }
            case BUDGET_EXHAUSTED, CANCELLED -> {
                // The partitions issue nothing more; the run ends when what was out has come back,
                // as counted after each partition took the stop.
                if (totals.allReported() && totals.inFlight() == 0) {
                    finish(run, run.getStatus(), run.getStopReason(), now);
                    return;
                }
            }
            default -> {
                // PAUSED: tasks in flight still end, nothing new goes out
            }
        }
        if (changed) {
            runs.put(run.getRunId(), run);
        }
    }

    private static Optional<String> budgetReached(RunProgress run, RunTotals totals) {
        List<String> reached = new ArrayList<>();
        if (run.getMaxCostUsd() != null && totals.costUsd() >= run.getMaxCostUsd()) {
            reached.add(String.format(Locale.ROOT, "spent $%.4f of $%.4f", totals.costUsd(), run.getMaxCostUsd()));
        }
        if (run.getMaxTokens() != null && totals.tokens() >= run.getMaxTokens()) {
            reached.add("spent " + totals.tokens() + " of " + run.getMaxTokens() + " tokens");
        }
        return reached.isEmpty() ? Optional.empty() : Optional.of("budget reached: " + String.join(", ", reached));
    }

    private void finish(RunProgress run, RunStatus status, String reason, Instant now) {
        run.setStatus(status);
        run.setCompletedAt(now);
        run.setFinishedAt(now);
        runs.put(run.getRunId(), run);
        RunTotals totals = totals(run);
        RunFinished finished = RunFinished.newBuilder()
                .setRunId(run.getRunId())
                .setWorkflowId(run.getWorkflowId())
                .setSourceConnection(run.getSourceConnection())
                .setStatus(status.name())
                .setReason(reason)
                .setMembers(totals.members())
                .setProcessNames(run.getProcesses().stream().map(p -> p.getName()).toList())
                .setStages(totals.stages())
                .setCostUsd(totals.costUsd())
                .setTokens(totals.tokens())
                .setStartedAt(run.getStartedAt())
                .setFinishedAt(now)
                .build();
        context.forward(new Record<>(run.getRunId(), finished, now.toEpochMilli()));
        if (status == RunStatus.COMPLETED && run.getOrdering() == RunOrdering.STAGED && !run.getProcesses().isEmpty()) {
            int last = run.getProcesses().size() - 1;
            meters.stageEnded(run.getProcesses().get(last).getName(), last, run.getStageStartedAt(), now);
        }
        meters.runFinished(status.name(), totals.stages().stream().mapToLong(s -> s.getFailed()).sum(),
                run.getStartedAt(), now);
        LOG.info("Run {} {}: {} members, {}", run.getRunId(), status, totals.members(), totals.stages());
    }

    // ---- lifecycle

    private void onLifecycle(RunLifecycleRequested request) {
        RunProgress run = runs.get(request.getRunId());
        if (run != null && run.getStatus() == RunStatus.COMPLETED
                && request.getAction() == dev.conveyor.schemas.RunAction.RETRY_FAILED) {
            reopen(run); // a completed run's Failed tasks may be retried while its state is kept
        }
        if (run == null || run.getFinishedAt() != null) {
            LOG.warn("{} of run {} ignored: the run is unknown or finished", request.getAction(), request.getRunId());
            return;
        }
        RunStatus status = run.getStatus();
        switch (request.getAction()) {
            case PAUSE -> {
                if (status == RunStatus.RUNNING) {
                    run.setStatus(RunStatus.PAUSED);
                    directive(run, RunDirectiveKind.PAUSE, run.getStageIndex());
                }
            }
            case RESUME -> {
                if (status == RunStatus.PAUSED) {
                    run.setStatus(RunStatus.RUNNING);
                    directive(run, RunDirectiveKind.RESUME, run.getStageIndex());
                }
            }
            case CANCEL -> {
                if (status == RunStatus.WAITING_FOR_ROWS) {
                    waitingRuns.delete(StoreKeys.of(run.getSourceConnection(), run.getRunId()));
                    finish(run, RunStatus.CANCELLED, "cancelled", now());
                    return;
                }
                if (status == RunStatus.RUNNING || status == RunStatus.PAUSED) {
                    run.setStatus(RunStatus.CANCELLED);
                    run.setStopReason("cancelled");
                    run.setEpoch(run.getEpoch() + 1);
                    directive(run, RunDirectiveKind.CANCEL, run.getStageIndex());
                    RunHalted halted = RunHalted.newBuilder().setRunId(run.getRunId()).setReason("cancelled")
                            .setHaltedAt(now()).build();
                    context.forward(new Record<>(run.getRunId(), halted, now().toEpochMilli()));
                }
            }
            case RETRY_FAILED -> {
                int stage = stageOf(run, request.getProcessName());
                if (stage >= 0 && (status == RunStatus.RUNNING || status == RunStatus.PAUSED)) {
                    run.setEpoch(run.getEpoch() + 1);
                    directive(run, RunDirectiveKind.RETRY_FAILED, stage);
                }
            }
        }
        LOG.info("Run {}: {} ({} -> {})", run.getRunId(), request.getAction(), status, run.getStatus());
        runs.put(run.getRunId(), run);
        evaluate(run);
    }

    private static void reopen(RunProgress run) {
        run.setStatus(RunStatus.RUNNING);
        run.setFinishedAt(null);
        run.setCompletedAt(null);
    }

    static int stageOf(RunProgress run, String processName) {
        for (int i = 0; i < run.getProcesses().size(); i++) {
            if (run.getProcesses().get(i).getName().equals(processName)) {
                return i;
            }
        }
        return -1;
    }

    // ---- tick: overdue runs and retention

    private void tick(long timestamp) {
        List<String> sources = new ArrayList<>();
        try (KeyValueIterator<String, String> it = waitingRuns.all()) {
            while (it.hasNext()) {
                String source = StoreKeys.first(it.next().key);
                if (sources.isEmpty() || !sources.get(sources.size() - 1).equals(source)) {
                    sources.add(source);
                }
            }
        }
        sources.forEach(source -> startWaitingRuns(source, true));

        Instant forgetBefore = now().minus(settings.retention());
        List<RunProgress> expired = new ArrayList<>();
        try (KeyValueIterator<String, RunProgress> it = runs.all()) {
            while (it.hasNext()) {
                RunProgress run = it.next().value;
                if (run.getFinishedAt() != null && !run.getFinishedAt().isAfter(forgetBefore)) {
                    expired.add(run);
                }
            }
        }
        for (RunProgress run : expired) {
            directive(run, RunDirectiveKind.FORGET, run.getStageIndex());
            runs.delete(run.getRunId());
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, RunPartitionReported> it = counts.prefixScan(
                    StoreKeys.prefix(run.getRunId()), KEYS)) {
                while (it.hasNext()) {
                    keys.add(it.next().key);
                }
            }
            keys.forEach(counts::delete);
            LOG.info("Run {} forgotten: finished {} ago, retention {}", run.getRunId(),
                    java.time.Duration.between(run.getFinishedAt(), now()), settings.retention());
        }
    }
}
