package dev.conveyor.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.orchestrator.service.RunCommands;
import dev.conveyor.orchestrator.service.RunOptions;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunAction;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunLifecycleRequested;
import dev.conveyor.schemas.RunOrdering;
import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.RunStatus;
import dev.conveyor.schemas.StageCounts;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.WorkflowDefined;
import dev.conveyor.schemas.kafka.TaskIds;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The whole topology (partitions and coordinators) on one partition of every topic. The
 * orchestrator's own topics (directives, reports, row counts) loop back through the driver as
 * they do through the broker.
 */
class OrchestratorTopologyTest {

    private static final List<ProcessStep> SEED_PROCESSES = List.of(
            BuiltInProcesses.shortForm("sentiment", "data_column_1"),
            BuiltInProcesses.shortForm("summarization", "data_column_2"));
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private Duration advanced = Duration.ZERO;

    private TopologyTestDriver driver;
    private TestInputTopic<String, RowIngested> rows;
    private TestInputTopic<String, RunRequested> commands;
    private TestInputTopic<String, RunLifecycleRequested> lifecycle;
    private TestInputTopic<String, TaskFinished> results;
    private TestInputTopic<String, RunPartitionReported> reports;
    private TestInputTopic<String, WorkflowDefined> workflows;
    private TestOutputTopic<String, TaskIssued> tasks;
    private TestOutputTopic<String, TaskFinished> orchestratorResults;
    private TestOutputTopic<String, RunHalted> halts;
    private TestOutputTopic<String, RunFinished> finished;

    private void start(OrchestrationSettings settings) {
        start(settings, false);
    }

    private void start(OrchestrationSettings settings, boolean keepAllColumns) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(new StreamsBuilder(), settings, false, keepAllColumns), props, START);
        rows = input(Topics.SOURCE_ROWS.name(), Topics.SOURCE_ROWS.valueSerde());
        commands = input(Topics.RUN_COMMANDS.name(), Topics.RUN_COMMANDS.valueSerde());
        lifecycle = input(Topics.RUN_LIFECYCLE.name(), Topics.RUN_LIFECYCLE.valueSerde());
        results = input(Topics.LLM_RESULTS.name(), Topics.LLM_RESULTS.valueSerde());
        reports = input(Topics.RUN_REPORTS.name(), Topics.RUN_REPORTS.valueSerde());
        workflows = input(Topics.WORKFLOW_DEFINITIONS.name(), Topics.WORKFLOW_DEFINITIONS.valueSerde());
        tasks = driver.createOutputTopic(Topics.LLM_TASKS.name(), Topics.LLM_TASKS.keySerde().deserializer(),
                Topics.LLM_TASKS.valueSerde().deserializer());
        orchestratorResults = driver.createOutputTopic(Topics.LLM_RESULTS.name(),
                Topics.LLM_RESULTS.keySerde().deserializer(), Topics.LLM_RESULTS.valueSerde().deserializer());
        halts = driver.createOutputTopic(Topics.RUN_CONTROLS.name(), Topics.RUN_CONTROLS.keySerde().deserializer(),
                Topics.RUN_CONTROLS.valueSerde().deserializer());
        finished = driver.createOutputTopic(Topics.RUN_COMPLETED.name(),
                Topics.RUN_COMPLETED.keySerde().deserializer(), Topics.RUN_COMPLETED.valueSerde().deserializer());
    }

    private <V> TestInputTopic<String, V> input(String topic, org.apache.kafka.common.serialization.Serde<V> serde) {
        return driver.createInputTopic(topic, new org.apache.kafka.common.serialization.StringSerializer(),
                serde.serializer());
    }

    private static OrchestrationSettings settings() {
        return OrchestrationSettings.defaults(1).withRowWaitTimeout(Duration.ofMinutes(5));
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    // ---- the seed's behaviour, kept

    @Test
    void shouldIssueTheFirstProcessForEveryRowWhenARunStarts() {
        start(settings());
        List<String> refs = ingestSeedRows("S3");

        String runId = requestRun("S3", 3);

        List<TaskIssued> issued = tasks.readValuesToList();
        assertThat(issued).hasSize(3).allSatisfy(task -> {
            assertThat(task.getProcessName()).isEqualTo("sentiment");
            assertThat(task.getStageIndex()).isZero();
            assertThat(task.getRunId()).isEqualTo(runId);
            assertThat(task.getTaskId()).isEqualTo(TaskIds.taskId(runId, "sentiment", task.getReferenceId()));
            assertThat(task.getProcess()).isEqualTo(SEED_PROCESSES.get(0));
        });
        assertThat(issued).extracting(TaskIssued::getReferenceId).containsExactlyInAnyOrderElementsOf(refs);
        assertThat(issued).extracting(t -> t.getInputs().get("data_column_1"))
                .containsExactlyInAnyOrder("I love this movie.", "This is boring.", "Amazing performance!");
    }

    @Test
    void shouldIssueTheNextProcessOnlyWhenEveryRowHasATerminalResult() {
        startSeedRun();
        List<TaskIssued> sentiment = tasks.readValuesToList();

        finishInOrder(sentiment, TaskOutcome.COMPLETED, TaskOutcome.COMPLETED);
        tick();
        assertThat(tasks.isEmpty()).as("two of three sentiment results are in").isTrue();

        finish(sentiment.get(2), TaskOutcome.COMPLETED);

        List<TaskIssued> summarization = tasks.readValuesToList();
        assertThat(summarization).hasSize(3).allSatisfy(task -> {
            assertThat(task.getProcessName()).isEqualTo("summarization");
            assertThat(task.getStageIndex()).isEqualTo(1);
        });
        assertThat(summarization).extracting(t -> t.getInputs().get("data_column_2"))
                .containsExactlyInAnyOrder("The plot was great.", "It dragged a lot.", "Best part ever.");
    }

    @Test
    void shouldIgnoreResultsOfTasksAnotherServiceAskedFor() {
        startSeedRun();
        List<TaskIssued> sentiment = tasks.readValuesToList();
        finishInOrder(sentiment, TaskOutcome.COMPLETED, TaskOutcome.COMPLETED);

        TaskIssued foreign = TaskIssued.newBuilder(sentiment.get(2)).setOrigin(TaskOrigins.PATH).build();
        finish(foreign, TaskOutcome.COMPLETED);
        tick();
        assertThat(tasks.isEmpty()).as("a Path's result is not the run's third result").isTrue();

        finish(sentiment.get(2), TaskOutcome.COMPLETED);
        tick();
        assertThat(tasks.readValuesToList()).hasSize(3);
    }

    @Test
    void shouldCountADuplicateResultOnce() {
        startSeedRun();
        List<TaskIssued> sentiment = tasks.readValuesToList();

        finish(sentiment.get(0), TaskOutcome.COMPLETED);
        finish(sentiment.get(0), TaskOutcome.COMPLETED);
        finish(sentiment.get(1), TaskOutcome.COMPLETED);
        tick();

        assertThat(tasks.isEmpty()).as("a redelivered result must not stand in for the third row").isTrue();
    }

    @Test
    void shouldCompleteTheRunAfterTheLastProcessAndAnnounceIt() {
        String runId = startSeedRun();
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED, 0.001, 10, 5));
        List<TaskIssued> summarization = tasks.readValuesToList();
        finish(summarization.get(0), TaskOutcome.COMPLETED, 0.001, 10, 5);
        finish(summarization.get(1), TaskOutcome.FAILED, 0.001, 10, 5);
        finish(summarization.get(2), TaskOutcome.COMPLETED, 0.001, 10, 5);

        RunProgress run = runsStore().get(runId);
        assertThat(run.getStatus()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.getMemberCount()).isEqualTo(3);
        assertThat(tasks.isEmpty()).isTrue();
        RunFinished announced = finished.readValue();
        assertThat(announced.getRunId()).isEqualTo(runId);
        assertThat(announced.getStatus()).isEqualTo("COMPLETED");
        assertThat(announced.getProcessNames()).containsExactly("sentiment", "summarization");
        assertThat(announced.getStages()).extracting(StageCounts::getCompleted).containsExactly(3L, 2L);
        assertThat(announced.getStages()).extracting(StageCounts::getFailed).containsExactly(0L, 1L);
        assertThat(announced.getTokens()).isEqualTo(90);
        assertThat(announced.getCostUsd()).isCloseTo(0.006, within(1e-9));
        assertThat(finished.isEmpty()).as("announced once").isTrue();
    }

    @Test
    void shouldWaitForTheRowsTheCommandPromises() {
        start(settings());
        String runId = requestRun("DB", 2);
        assertThat(tasks.isEmpty()).isTrue();
        assertThat(runsStore().get(runId).getStatus()).isEqualTo(RunStatus.WAITING_FOR_ROWS);

        ingest("DB", Map.of("data_column_1", "first", "data_column_2", "a"));
        tick();
        assertThat(tasks.isEmpty()).isTrue();
        ingest("DB", Map.of("data_column_1", "second", "data_column_2", "b"));
        tick();

        assertThat(tasks.readValuesToList()).hasSize(2);
        assertThat(runsStore().get(runId).getStatus()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void shouldStartWithTheRowsItHasWhenTheWaitIsOver() {
        start(settings());
        ingest("DB", Map.of("data_column_1", "only", "data_column_2", "row"));
        tick();
        requestRun("DB", 5);
        assertThat(tasks.isEmpty()).isTrue();

        advance(Duration.ofMinutes(6));

        assertThat(tasks.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldKeepRowsOfOtherSourcesAndLaterRowsOutOfARun() {
        start(settings());
        ingestSeedRows("S3");
        ingest("DB", Map.of("data_column_1", "elsewhere", "data_column_2", "x"));
        tick();

        requestRun("S3", 3);
        ingest("S3", Map.of("data_column_1", "too late", "data_column_2", "x"));
        tick();

        assertThat(tasks.readValuesToList()).hasSize(3)
                .noneMatch(t -> "elsewhere".equals(t.getInputs().get("data_column_1")))
                .noneMatch(t -> "too late".equals(t.getInputs().get("data_column_1")));
    }

    @Test
    void shouldNotRestartARunWhoseCommandIsRedelivered() {
        start(settings());
        ingestSeedRows("S3");
        RunRequested command = request(command("S3", 3));
        tasks.readValuesToList();

        request(command);
        tick();

        assertThat(tasks.isEmpty()).isTrue();
    }

    @Test
    void shouldPassAMissingColumnAsAnEmptyInput() {
        start(settings());
        ingest("S3", Map.of("other", "x"));
        tick();
        commands.pipeInput("r", RunRequested.newBuilder(command("S3", 1)).setRunId("r").build());

        TaskIssued task = tasks.readValue();
        assertThat(task.getInputs()).containsEntry("data_column_1", null);
    }

    @Test
    void shouldSendTheDefinitionAndEveryTemplateColumnWithEachTask() {
        start(settings());
        ingestSeedRows("S3");
        ProcessStep compare = ProcessStep.newBuilder()
                .setName("compare").setType(ProcessType.EXTRACT)
                .setColumn("data_column_2").setColumns(List.of("data_column_2", "data_column_1"))
                .setTemplate("Does {{data_column_2}} explain {{data_column_1}}? Answer for {{data_column_2}}.")
                .setLabels(List.of())
                .setJsonSchema("{\"type\":\"object\",\"properties\":{\"explains\":{\"type\":\"boolean\"}}}")
                .setTemperature(0.2).setMaxTokens(50).setModel("gpt-4o")
                .build();
        request(RunRequested.newBuilder(command("S3", 3)).setProcesses(List.of(compare)).build());

        List<TaskIssued> issued = tasks.readValuesToList();
        assertThat(issued).hasSize(3).allSatisfy(task -> {
            assertThat(task.getProcess()).isEqualTo(compare);
            assertThat(task.getInputs().keySet()).containsExactlyInAnyOrder("data_column_2", "data_column_1");
        });
        assertThat(issued).extracting(t -> t.getInputs().get("data_column_2") + " / " + t.getInputs().get("data_column_1"))
                .containsExactlyInAnyOrder("The plot was great. / I love this movie.",
                        "It dragged a lot. / This is boring.", "Best part ever. / Amazing performance!");
    }

    @Test
    void shouldGiveAStepWrittenBeforeDefinitionsItsShortForm() {
        start(settings());
        ingestSeedRows("S3");
        ProcessStep legacy = ProcessStep.newBuilder().setName("sentiment").setColumn("data_column_1").build();
        request(RunRequested.newBuilder(command("S3", 3)).setProcesses(List.of(legacy)).build());

        assertThat(tasks.readValuesToList()).hasSize(3).allSatisfy(task -> {
            assertThat(task.getProcess()).isEqualTo(BuiltInProcesses.shortForm("sentiment", "data_column_1"));
            assertThat(task.getProcess().getType()).isEqualTo(ProcessType.CLASSIFY);
        });
    }

    // ---- budgets

    @Test
    void shouldHaltOnceWhenTheCostBudgetIsReachedMidStageAndIssueNoFurtherStage() {
        start(settings());
        ingestSeedRows("S3");
        RunRequested command = request(RunRequested.newBuilder(command("S3", 3)).setMaxCostUsd(0.01).build());
        List<TaskIssued> sentiment = tasks.readValuesToList();
        assertThat(sentiment).as("the budget goes with each task: workers reserve against it")
                .allSatisfy(t -> {
                    assertThat(t.getMaxCostUsd()).isEqualTo(0.01);
                    assertThat(t.getMaxTokens()).isNull();
                });

        finish(sentiment.get(0), TaskOutcome.COMPLETED, 0.006, 100, 5);
        tick();
        assertThat(halts.isEmpty()).as("$0.006 of $0.01 spent").isTrue();
        finish(sentiment.get(1), TaskOutcome.COMPLETED, 0.006, 100, 5);
        tick();

        List<RunHalted> halted = halts.readValuesToList();
        assertThat(halted).singleElement().satisfies(h -> {
            assertThat(h.getRunId()).isEqualTo(command.getRunId());
            assertThat(h.getReason()).isEqualTo("budget reached: spent $0.0120 of $0.0100");
        });
        RunProgress run = runsStore().get(command.getRunId());
        assertThat(run.getStatus()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(run.getCompletedAt()).as("one result of the stage is still out").isNull();

        // A duplicate, then the worker's SKIPPED for the last row (twice).
        finish(sentiment.get(1), TaskOutcome.COMPLETED, 0.006, 100, 5);
        finish(sentiment.get(2), TaskOutcome.SKIPPED, 0, 0, 0);
        finish(sentiment.get(2), TaskOutcome.SKIPPED, 0, 0, 0);
        tick();

        assertThat(tasks.isEmpty()).as("no summarization after the budget is reached").isTrue();
        assertThat(halts.isEmpty()).as("a run is halted once").isTrue();
        run = runsStore().get(command.getRunId());
        assertThat(run.getStatus()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(run.getCompletedAt()).isNotNull();
        RunFinished announced = finished.readValue();
        assertThat(announced.getStatus()).isEqualTo("BUDGET_EXHAUSTED");
        assertThat(announced.getStages().get(0).getCompleted()).isEqualTo(2);
        assertThat(announced.getStages().get(0).getSkipped()).isEqualTo(1);
        assertThat(announced.getCostUsd()).isCloseTo(0.012, within(1e-9));
        assertThat(announced.getTokens()).isEqualTo(210);
    }

    @Test
    void shouldStopIssuingChunksOnceTheBudgetIsReached() {
        start(settings().withChunkSize(2));
        ingestRows("S3", 6);
        request(RunRequested.newBuilder(command("S3", 6)).setMaxTokens(100L).build());
        List<TaskIssued> first = tasks.readValuesToList();
        assertThat(first).hasSize(2);

        finish(first.get(0), TaskOutcome.COMPLETED, 0, 90, 20);
        tick();
        assertThat(halts.readValuesToList()).hasSize(1);
        List<TaskIssued> afterHalt = tasks.readValuesToList();
        finish(first.get(1), TaskOutcome.SKIPPED, 0, 0, 0);
        afterHalt.forEach(t -> finish(t, TaskOutcome.SKIPPED));
        tick();
        tick();

        assertThat(tasks.isEmpty()).as("the halted run's remaining rows are never issued").isTrue();
        assertThat(afterHalt.size()).as("at most the one chunk issued with the halting report").isLessThanOrEqualTo(2);
        assertThat(finished.readValue().getStatus()).isEqualTo("BUDGET_EXHAUSTED");
    }

    // ---- bounded chunks

    @Test
    void shouldIssueAStageInChunksNoLargerThanTheChunkSize() {
        start(settings().withChunkSize(10));
        ingestRows("S3", 25);
        String runId = requestRun("S3", 25);

        assertThat(tasks.readValuesToList()).as("the start issues one chunk").hasSize(10);
        tick();
        assertThat(tasks.readValuesToList()).as("each tick one more").hasSize(10);
        tick();
        assertThat(tasks.readValuesToList()).hasSize(5);
        tick();
        assertThat(tasks.isEmpty()).isTrue();
        assertThat(runsStore().get(runId).getMemberCount()).isEqualTo(25);
    }

    @Test
    void shouldKeepNoMoreThanTheInFlightLimitOutAndLetResultsPullTheRest() {
        start(settings().withMaxInFlight(4));
        ingestRows("S3", 10);
        requestRun("S3", 10);
        List<TaskIssued> out = tasks.readValuesToList();
        assertThat(out).hasSize(4);
        tick();
        assertThat(tasks.isEmpty()).as("four out, none more").isTrue();

        finishInOrder(out, TaskOutcome.COMPLETED, TaskOutcome.COMPLETED);
        tick();

        assertThat(tasks.readValuesToList()).hasSize(2);
    }

    @Test
    void shouldIssueEveryRowOfAStageExactlyOnceAcrossChunks() {
        start(settings().withChunkSize(7));
        List<String> refs = ingestRows("S3", 50);
        requestRun("S3", 50);
        List<TaskIssued> all = new ArrayList<>(tasks.readValuesToList());
        for (int i = 0; i < 10; i++) {
            tick();
            all.addAll(tasks.readValuesToList());
        }
        assertThat(all).extracting(TaskIssued::getReferenceId).containsExactlyInAnyOrderElementsOf(refs);
    }

    // ---- deadlines

    @Test
    void shouldReissueATaskWithoutAResultOnceThenFailIt() {
        start(settings().withTaskDeadline(Duration.ofSeconds(30)));
        ingestSeedRows("S3");
        tick();
        String runId = requestRun("S3", 3);
        List<TaskIssued> sentiment = tasks.readValuesToList();
        finishInOrder(sentiment, TaskOutcome.COMPLETED, TaskOutcome.COMPLETED);

        advance(Duration.ofSeconds(31));
        List<TaskIssued> again = tasks.readValuesToList();
        assertThat(again).singleElement().satisfies(t -> {
            assertThat(t.getTaskId()).isEqualTo(sentiment.get(2).getTaskId());
            assertThat(t.getStageIndex()).isZero();
        });
        assertThat(orchestratorResults.isEmpty()).isTrue();

        advance(Duration.ofSeconds(31));

        List<TaskFinished> failed = orchestratorResults.readValuesToList().stream()
                .filter(r -> r.getOutcome() == TaskOutcome.FAILED).toList();
        assertThat(failed).singleElement().satisfies(r -> {
            assertThat(r.getTaskId()).isEqualTo(sentiment.get(2).getTaskId());
            assertThat(r.getError()).isEqualTo("no result within 30 s, issued 2 times");
        });
        List<TaskIssued> next = tasks.readValuesToList();
        assertThat(next).as("the stage did not hang: the next process went out").hasSize(2)
                .allSatisfy(t -> assertThat(t.getProcessName()).isEqualTo("summarization"));
        assertThat(runsStore().get(runId).getStageIndex()).isEqualTo(1);
    }

    // ---- Failed rows

    @Test
    void shouldSkipAFailedRowInLaterProcessesNamingTheFailure() {
        startSeedRun();
        List<TaskIssued> sentiment = tasks.readValuesToList();
        finishInOrder(sentiment, TaskOutcome.COMPLETED, TaskOutcome.FAILED, TaskOutcome.COMPLETED);

        List<TaskIssued> summarization = tasks.readValuesToList();
        assertThat(summarization).hasSize(2)
                .noneMatch(t -> t.getReferenceId().equals(sentiment.get(1).getReferenceId()));
        assertThat(orchestratorResults.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo(TaskOutcome.SKIPPED);
            assertThat(r.getProcessName()).isEqualTo("summarization");
            assertThat(r.getReferenceId()).isEqualTo(sentiment.get(1).getReferenceId());
            assertThat(r.getError()).contains("sentiment Failed");
        });
        summarization.forEach(t -> finish(t, TaskOutcome.COMPLETED));
        assertThat(finished.readValue().getStages().get(1).getSkipped()).isEqualTo(1);
    }

    @Test
    void shouldRunAFailedRowAnywayWhenTheRunSaysSo() {
        start(settings());
        ingestSeedRows("S3");
        request(RunRequested.newBuilder(command("S3", 3)).setFailedRows(FailedRowPolicy.RUN_ANYWAY).build());
        List<TaskIssued> sentiment = tasks.readValuesToList();
        finishInOrder(sentiment, TaskOutcome.FAILED, TaskOutcome.FAILED, TaskOutcome.COMPLETED);

        assertThat(tasks.readValuesToList()).hasSize(3);
        assertThat(orchestratorResults.isEmpty()).isTrue();
    }

    @Test
    void shouldTakeTheFailedRowPolicyFromTheWorkflowUnlessTheRunOverridesIt() throws Exception {
        start(settings());
        ingestSeedRows("S3");
        WorkflowDefined workflow = WorkflowDefined.newBuilder().setWorkflowId(UUID.randomUUID().toString())
                .setWorkflowName("W").setSourceConnection("S3").setProcesses(SEED_PROCESSES).setModel("gpt-4")
                .setCreatedAt(START).setFailedRows(FailedRowPolicy.RUN_ANYWAY).build();
        workflows.pipeInput(workflow.getWorkflowId(), workflow);
        ObjectMapper json = new ObjectMapper();

        // no "failed_rows" in the run's body: the workflow's policy (run anyway)
        RunRequested byWorkflow = RunCommands.of(workflow, SEED_PROCESSES,
                RunOptions.read(json.readTree("{}"), new ArrayList<>()), 3, START.plus(advanced));
        assertThat(byWorkflow.getFailedRows()).isEqualTo(FailedRowPolicy.RUN_ANYWAY);
        request(byWorkflow);
        List<TaskIssued> sentiment = tasks.readValuesToList();
        sentiment.forEach(t -> finish(t, TaskOutcome.FAILED));
        assertThat(tasks.readValuesToList()).as("every Failed row still gets its summarization task").hasSize(3)
                .allSatisfy(t -> assertThat(t.getProcessName()).isEqualTo("summarization"));
        assertThat(orchestratorResults.isEmpty()).isTrue();

        // the run says skip: it wins over the workflow
        RunRequested overridden = request(RunCommands.of(workflow, SEED_PROCESSES,
                RunOptions.read(json.readTree("{\"failed_rows\":\"skip\"}"), new ArrayList<>()), 3,
                START.plus(advanced)));
        List<TaskIssued> second = tasks.readValuesToList();
        assertThat(second).hasSize(3).allSatisfy(t -> assertThat(t.getRunId()).isEqualTo(overridden.getRunId()));
        finishInOrder(second, TaskOutcome.FAILED, TaskOutcome.COMPLETED, TaskOutcome.COMPLETED);
        assertThat(tasks.readValuesToList()).hasSize(2)
                .noneMatch(t -> t.getReferenceId().equals(second.get(0).getReferenceId()));
        assertThat(orchestratorResults.readValuesToList()).singleElement()
                .satisfies(r -> assertThat(r.getOutcome()).isEqualTo(TaskOutcome.SKIPPED));
    }

    // ---- lifecycle

    @Test
    void shouldPauseResumeAndCancelARun() {
        start(settings().withChunkSize(2));
        ingestRows("S3", 8);
        RunRequested command = request(command("S3", 8));
        assertThat(tasks.readValuesToList()).hasSize(2);

        act(command, RunAction.PAUSE, null);
        tick();
        tick();
        assertThat(tasks.isEmpty()).as("paused: nothing new goes out").isTrue();
        assertThat(runsStore().get(command.getRunId()).getStatus()).isEqualTo(RunStatus.PAUSED);

        act(command, RunAction.RESUME, null);
        assertThat(tasks.readValuesToList()).as("resumed: the next chunk at once").hasSize(2);

        act(command, RunAction.CANCEL, null);
        tick();
        tick();
        assertThat(tasks.isEmpty()).as("cancelled: nothing new goes out").isTrue();
        assertThat(halts.readValue().getReason()).isEqualTo("cancelled");
        RunProgress run = runsStore().get(command.getRunId());
        assertThat(run.getStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.getFinishedAt()).as("four tasks are still out").isNull();
    }

    @Test
    void shouldRetryTheFailedTasksOfAProcessWithTheSameIds() {
        start(settings());
        ingestSeedRows("S3");
        RunRequested command = request(RunRequested.newBuilder(command("S3", 3))
                .setProcesses(List.of(SEED_PROCESSES.get(0))).build());
        List<TaskIssued> sentiment = tasks.readValuesToList();
        finishInOrder(sentiment, TaskOutcome.COMPLETED, TaskOutcome.FAILED, TaskOutcome.FAILED);
        assertThat(finished.readValue().getStages().get(0).getFailed()).isEqualTo(2);

        act(command, RunAction.RETRY_FAILED, "sentiment");
        tick();

        List<TaskIssued> retried = tasks.readValuesToList();
        assertThat(retried).extracting(TaskIssued::getTaskId)
                .containsExactlyInAnyOrder(sentiment.get(1).getTaskId(), sentiment.get(2).getTaskId());
        assertThat(runsStore().get(command.getRunId()).getStatus()).isEqualTo(RunStatus.RUNNING);
        retried.forEach(t -> finish(t, TaskOutcome.COMPLETED));
        tick();

        RunFinished again = finished.readValue();
        assertThat(again.getStatus()).isEqualTo("COMPLETED");
        assertThat(again.getStages().get(0).getCompleted()).isEqualTo(3);
        assertThat(again.getStages().get(0).getFailed()).isZero();
    }

    // ---- ordering

    @Test
    void shouldMoveARowToItsNextProcessAsSoonAsItsPreviousEndsInPerRowOrder() {
        start(settings());
        ingestSeedRows("S3");
        request(RunRequested.newBuilder(command("S3", 3)).setOrdering(RunOrdering.PER_ROW).build());
        List<TaskIssued> sentiment = tasks.readValuesToList();
        assertThat(sentiment).hasSize(3);

        finish(sentiment.get(0), TaskOutcome.COMPLETED);

        assertThat(tasks.readValuesToList()).singleElement().satisfies(t -> {
            assertThat(t.getProcessName()).isEqualTo("summarization");
            assertThat(t.getReferenceId()).isEqualTo(sentiment.get(0).getReferenceId());
        });
    }

    @Test
    void shouldTakeRowsAsTheyArriveInAContinuousRunUntilItIsCancelled() {
        start(settings());
        ingest("S3", Map.of("data_column_1", "first", "data_column_2", "a"));
        tick();
        RunRequested command = request(RunRequested.newBuilder(command("S3", 1)).setContinuous(true)
                .setProcesses(List.of(SEED_PROCESSES.get(0))).build());
        List<TaskIssued> first = tasks.readValuesToList();
        assertThat(first).hasSize(1);
        finish(first.get(0), TaskOutcome.COMPLETED);
        tick();
        assertThat(runsStore().get(command.getRunId()).getStatus()).as("no last row: still going")
                .isEqualTo(RunStatus.RUNNING);

        ingest("S3", Map.of("data_column_1", "arrived later", "data_column_2", "b"));

        List<TaskIssued> later = tasks.readValuesToList();
        assertThat(later).singleElement().satisfies(t -> {
            assertThat(t.getInputs().get("data_column_1")).isEqualTo("arrived later");
            assertThat(t.getRunId()).isEqualTo(command.getRunId());
        });
        finish(later.get(0), TaskOutcome.COMPLETED);
        act(command, RunAction.CANCEL, null);
        tick();
        ingest("S3", Map.of("data_column_1", "after the stop", "data_column_2", "c"));
        tick();

        assertThat(tasks.isEmpty()).isTrue();
        RunFinished end = finished.readValue();
        assertThat(end.getStatus()).isEqualTo("CANCELLED");
        assertThat(end.getStages().get(0).getCompleted()).isEqualTo(2);
    }

    // ---- parallel partitions

    @Test
    void shouldOpenTheNextStageOnlyWhenEveryPartitionHasFinishedIt() {
        start(OrchestrationSettings.defaults(2));
        ingestSeedRows("S3");
        tick();
        // Partition 1 (elsewhere) holds two more rows of the source.
        driver.createInputTopic(Topics.SOURCE_ROW_COUNTS.name(), new org.apache.kafka.common.serialization.StringSerializer(),
                Topics.SOURCE_ROW_COUNTS.valueSerde().serializer())
                .pipeInput("S3", new dev.conveyor.schemas.SourceRowsCounted("S3", 1, 2L, Instant.now()));
        String runId = requestRun("S3", 5);
        List<TaskIssued> sentiment = tasks.readValuesToList();
        assertThat(sentiment).as("this partition's three").hasSize(3);
        report(runId, 1, 2, new StageCounts(2L, 0L, 0L, 0L, 0.0, 0L), 0);

        sentiment.forEach(t -> finish(t, TaskOutcome.COMPLETED));
        tick();
        assertThat(tasks.isEmpty()).as("partition 1 is still at work").isTrue();
        assertThat(runsStore().get(runId).getMemberCount()).isEqualTo(5);

        report(runId, 1, 2, new StageCounts(2L, 2L, 0L, 0L, 0.0, 0L), 0);

        assertThat(tasks.readValuesToList()).hasSize(3)
                .allSatisfy(t -> assertThat(t.getProcessName()).isEqualTo("summarization"));
    }

    // ---- bounded state

    @Test
    void shouldDeleteARunsStateOnceItsRetentionHasPassed() {
        start(settings().withRetention(Duration.ofMinutes(1)));
        ingestSeedRows("S3");
        String runId = requestRun("S3", 3);
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED));
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED));
        assertThat(runsStore().get(runId).getStatus()).isEqualTo(RunStatus.COMPLETED);
        assertThat(count(OrchestratorTopology.RUN_MEMBERS_STORE)).isEqualTo(3);

        advance(Duration.ofSeconds(61));
        tick();
        tick();

        assertThat(runsStore().get(runId)).isNull();
        assertThat(count(OrchestratorTopology.RUN_MEMBERS_STORE)).isZero();
        assertThat(count(OrchestratorTopology.RUN_PARTITIONS_STORE)).isZero();
        assertThat(count(OrchestratorTopology.RUN_DEFINITIONS_STORE)).isZero();
        assertThat(count(OrchestratorTopology.RUN_COUNTS_STORE)).isZero();
        assertThat(count(OrchestratorTopology.DEADLINES_STORE)).isZero();
        assertThat(count(OrchestratorTopology.ROWS_STORE)).as("the source's rows stay for later runs").isEqualTo(3);
    }

    @Test
    void shouldKeepOnlyTheColumnsTheSourcesWorkflowsRead() {
        start(settings());
        workflows.pipeInput("w", WorkflowDefined.newBuilder().setWorkflowId("w").setWorkflowName("W")
                .setSourceConnection("S3").setProcesses(List.of(SEED_PROCESSES.get(0))).setModel("gpt-4")
                .setCreatedAt(Instant.now()).build());
        ingest("S3", Map.of("data_column_1", "kept", "data_column_2", "dropped", "notes", "dropped"));
        ingest("DB", Map.of("data_column_1", "a", "other", "kept: no workflow reads DB yet"));

        List<Map<String, String>> kept = new ArrayList<>();
        KeyValueStore<String, dev.conveyor.schemas.RowKept> store = driver.getKeyValueStore(
                OrchestratorTopology.ROWS_STORE);
        store.all().forEachRemaining(e -> kept.add(e.value.getColumns()));

        assertThat(kept).containsExactlyInAnyOrder(Map.of("data_column_1", "kept"),
                Map.of("data_column_1", "a", "other", "kept: no workflow reads DB yet"));
    }

    @Test
    void shouldWriteOnlyThePartitionsCountersOnAResultNotTheRun() {
        String runId = startSeedRun();
        List<TaskIssued> sentiment = tasks.readValuesToList();
        RunProgress before = runsStore().get(runId);

        finish(sentiment.get(0), TaskOutcome.COMPLETED, 0.5, 10, 10);
        tick();

        assertThat(runsStore().get(runId)).as("the run's definition is untouched by a result").isEqualTo(before);
        dev.conveyor.schemas.RunPartition counters = driver.<String, dev.conveyor.schemas.RunPartition>getKeyValueStore(
                OrchestratorTopology.RUN_PARTITIONS_STORE).get(runId);
        assertThat(counters.getStages().get(0).getCompleted()).isEqualTo(1);
        assertThat(counters.getTokens()).isEqualTo(20);
    }

    // ---- helpers

    private void tick() {
        advance(TICK.multipliedBy(5));
    }

    private long count(String store) {
        long n = 0;
        try (var it = driver.getKeyValueStore(store).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private void report(String runId, int partition, long members, StageCounts stage0, int epoch) {
        reports.pipeInput("S3", RunPartitionReported.newBuilder().setRunId(runId).setSourceConnection("S3")
                .setPartition(partition).setMembers(members)
                .setStages(List.of(stage0, new StageCounts(0L, 0L, 0L, 0L, 0.0, 0L)))
                .setReportedAt(Instant.now()).setEpoch(epoch).build());
    }

    private void act(RunRequested command, RunAction action, String process) {
        lifecycle.pipeInput(command.getRunId(), RunLifecycleRequested.newBuilder().setRunId(command.getRunId())
                .setWorkflowId(command.getWorkflowId()).setSourceConnection(command.getSourceConnection())
                .setAction(action).setProcessName(process).setRequestedAt(Instant.now()).build());
    }

    /** Three rows, as the seed's, from S3, and a run over them; returns the run's id. */
    private String startSeedRun() {
        start(settings());
        ingestSeedRows("S3");
        return requestRun("S3", 3);
    }

    /** {@code count} rows from {@code source}, then the tick that has the partition report them. */
    private List<String> ingestRows(String source, int count) {
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            refs.add(ingest(source, Map.of("data_column_1", "r" + i, "data_column_2", "x")));
        }
        tick();
        return refs;
    }

    private List<String> ingestSeedRows(String source) {
        List<String> refs = List.of(
                ingest(source, Map.of("data_column_1", "I love this movie.", "data_column_2", "The plot was great.")),
                ingest(source, Map.of("data_column_1", "This is boring.", "data_column_2", "It dragged a lot.")),
                ingest(source, Map.of("data_column_1", "Amazing performance!", "data_column_2", "Best part ever.")));
        tick(); // the partition reports the rows it holds
        return refs;
    }

    private String ingest(String source, Map<String, String> columns) {
        String ref = UUID.randomUUID().toString();
        rows.pipeInput(ref, RowIngested.newBuilder().setReferenceId(ref).setSourceConnection(source)
                .setColumns(Map.copyOf(columns)).setIngestedAt(Instant.now()).build());
        return ref;
    }

    private String requestRun(String source, long expectedRows) {
        return request(command(source, expectedRows)).getRunId();
    }

    private RunRequested request(RunRequested command) {
        commands.pipeInput(command.getRunId(), command);
        return command;
    }

    private RunRequested command(String source, long expectedRows) {
        return RunRequested.newBuilder()
                .setRunId(UUID.randomUUID().toString())
                .setWorkflowId(UUID.randomUUID().toString())
                .setSourceConnection(source)
                .setProcesses(SEED_PROCESSES)
                .setModel("gpt-4")
                .setExpectedRows(expectedRows)
                .setRequestedAt(START.plus(advanced))
                .build();
    }

    private void advance(Duration by) {
        advanced = advanced.plus(by);
        driver.advanceWallClockTime(by);
    }

    /** Finishes the first of {@code issued} with the first outcome, the second with the second, and so on. */
    private void finishInOrder(List<TaskIssued> issued, TaskOutcome... outcomes) {
        for (int i = 0; i < outcomes.length; i++) {
            finish(issued.get(i), outcomes[i]);
        }
    }

    private void finish(TaskIssued task, TaskOutcome outcome) {
        finish(task, outcome, 0, 0, 0);
    }

    private void finish(TaskIssued task, TaskOutcome outcome, double costUsd, int promptTokens,
            int completionTokens) {
        results.pipeInput(task.getTaskId(), TaskFinished.newBuilder()
                .setTaskId(task.getTaskId()).setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId()).setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName()).setStageIndex(task.getStageIndex()).setOutcome(outcome)
                .setOutput(outcome == TaskOutcome.COMPLETED ? "ok" : null)
                .setError(outcome == TaskOutcome.FAILED ? "boom" : null)
                .setModel(task.getModel()).setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now())
                .setCostUsd(costUsd).setPromptTokens(promptTokens).setCompletionTokens(completionTokens)
                .setOrigin(task.getOrigin()).build());
    }

    private KeyValueStore<String, RunProgress> runsStore() {
        return driver.getKeyValueStore(OrchestratorTopology.RUNS_STORE);
    }
}
