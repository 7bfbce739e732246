package dev.conveyor.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.RunStatus;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.TaskIds;
import dev.conveyor.schemas.kafka.Topics;

class OrchestratorTopologyTest {

    private static final List<ProcessStep> SEED_PROCESSES = List.of(
            BuiltInProcesses.shortForm("sentiment", "data_column_1"),
            BuiltInProcesses.shortForm("summarization", "data_column_2"));

    private TopologyTestDriver driver;
    private TestInputTopic<String, RowIngested> rows;
    private TestInputTopic<String, RunRequested> commands;
    private TestInputTopic<String, TaskFinished> results;
    private TestOutputTopic<String, TaskIssued> tasks;
    private TestOutputTopic<String, RunHalted> halts;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                OrchestratorTopology.build(new StreamsBuilder(), Duration.ofMinutes(5), false), props);
        rows = driver.createInputTopic(Topics.SOURCE_ROWS.name(), Topics.SOURCE_ROWS.keySerde().serializer(),
                Topics.SOURCE_ROWS.valueSerde().serializer());
        commands = driver.createInputTopic(Topics.RUN_COMMANDS.name(), Topics.RUN_COMMANDS.keySerde().serializer(),
                Topics.RUN_COMMANDS.valueSerde().serializer());
        results = driver.createInputTopic(Topics.LLM_RESULTS.name(), Topics.LLM_RESULTS.keySerde().serializer(),
                Topics.LLM_RESULTS.valueSerde().serializer());
        tasks = driver.createOutputTopic(Topics.LLM_TASKS.name(), Topics.LLM_TASKS.keySerde().deserializer(),
                Topics.LLM_TASKS.valueSerde().deserializer());
        halts = driver.createOutputTopic(Topics.RUN_CONTROLS.name(), Topics.RUN_CONTROLS.keySerde().deserializer(),
                Topics.RUN_CONTROLS.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldIssueTheFirstProcessForEveryRowWhenARunStarts() {
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
        ingestSeedRows("S3");
        requestRun("S3", 3);
        List<TaskIssued> sentiment = tasks.readValuesToList();

        finish(sentiment.get(0), TaskOutcome.COMPLETED);
        finish(sentiment.get(1), TaskOutcome.FAILED);
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
        ingestSeedRows("S3");
        requestRun("S3", 3);
        List<TaskIssued> sentiment = tasks.readValuesToList();
        finish(sentiment.get(0), TaskOutcome.COMPLETED);
        finish(sentiment.get(1), TaskOutcome.COMPLETED);

        TaskIssued foreign = TaskIssued.newBuilder(sentiment.get(2)).setOrigin(TaskOrigins.PATH).build();
        finish(foreign, TaskOutcome.COMPLETED);
        assertThat(tasks.isEmpty()).as("a Path's result is not the run's third result").isTrue();

        finish(sentiment.get(2), TaskOutcome.COMPLETED);
        assertThat(tasks.readValuesToList()).hasSize(3);
    }

    @Test
    void shouldCountADuplicateResultOnce() {
        ingestSeedRows("S3");
        requestRun("S3", 3);
        List<TaskIssued> sentiment = tasks.readValuesToList();

        finish(sentiment.get(0), TaskOutcome.COMPLETED);
        finish(sentiment.get(0), TaskOutcome.COMPLETED);
        finish(sentiment.get(1), TaskOutcome.COMPLETED);

        assertThat(tasks.isEmpty()).as("a redelivered result must not stand in for the third row").isTrue();
    }

    @Test
    void shouldCompleteTheRunAfterTheLastProcess() {
        ingestSeedRows("S3");
        String runId = requestRun("S3", 3);
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED));
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED));

        RunProgress run = runsStore().get(runId);
        assertThat(run.getStatus()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.getTotalCompleted()).isEqualTo(6);
        assertThat(tasks.isEmpty()).isTrue();
    }

    @Test
    void shouldWaitForTheRowsTheCommandPromises() {
        String runId = requestRun("DB", 2);
        assertThat(tasks.isEmpty()).isTrue();
        assertThat(runsStore().get(runId).getStatus()).isEqualTo(RunStatus.WAITING_FOR_ROWS);

        ingest("DB", Map.of("data_column_1", "first", "data_column_2", "a"));
        assertThat(tasks.isEmpty()).isTrue();
        ingest("DB", Map.of("data_column_1", "second", "data_column_2", "b"));

        assertThat(tasks.readValuesToList()).hasSize(2);
        assertThat(runsStore().get(runId).getStatus()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void shouldStartWithTheRowsItHasWhenTheWaitIsOver() {
        ingest("DB", Map.of("data_column_1", "only", "data_column_2", "row"));
        requestRun("DB", 5);
        assertThat(tasks.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(6));

        assertThat(tasks.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldKeepRowsOfOtherSourcesOutOfARun() {
        ingestSeedRows("S3");
        ingest("DB", Map.of("data_column_1", "elsewhere", "data_column_2", "x"));

        requestRun("S3", 3);

        assertThat(tasks.readValuesToList()).hasSize(3)
                .noneMatch(t -> "elsewhere".equals(t.getInputs().get("data_column_1")));
    }

    @Test
    void shouldNotRestartARunWhoseCommandIsRedelivered() {
        ingestSeedRows("S3");
        RunRequested command = command("S3", 3);
        commands.pipeInput(command.getRunId(), command);
        tasks.readValuesToList();

        commands.pipeInput(command.getRunId(), command);

        assertThat(tasks.isEmpty()).isTrue();
    }

    @Test
    void shouldPassAMissingColumnAsAnEmptyInput() {
        ingest("S3", Map.of("other", "x"));
        commands.pipeInput("r", RunRequested.newBuilder(command("S3", 1)).setRunId("r").build());

        TaskIssued task = tasks.readValue();
        assertThat(task.getInputs()).containsEntry("data_column_1", null);
    }

    @Test
    void shouldSendTheDefinitionAndEveryTemplateColumnWithEachTask() {
        ingestSeedRows("S3");
        ProcessStep compare = ProcessStep.newBuilder()
                .setName("compare").setType(ProcessType.EXTRACT)
                .setColumn("data_column_2").setColumns(List.of("data_column_2", "data_column_1"))
                .setTemplate("Does {{data_column_2}} explain {{data_column_1}}? Answer for {{data_column_2}}.")
                .setLabels(List.of())
                .setJsonSchema("{\"type\":\"object\",\"properties\":{\"explains\":{\"type\":\"boolean\"}}}")
                .setTemperature(0.2).setMaxTokens(50).setModel("gpt-4o")
                .build();
        RunRequested command = RunRequested.newBuilder(command("S3", 3)).setProcesses(List.of(compare)).build();
        commands.pipeInput(command.getRunId(), command);

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
        ingestSeedRows("S3");
        ProcessStep legacy = ProcessStep.newBuilder().setName("sentiment").setColumn("data_column_1").build();
        RunRequested command = RunRequested.newBuilder(command("S3", 3)).setProcesses(List.of(legacy)).build();
        commands.pipeInput(command.getRunId(), command);

        assertThat(tasks.readValuesToList()).hasSize(3).allSatisfy(task -> {
            assertThat(task.getProcess()).isEqualTo(BuiltInProcesses.shortForm("sentiment", "data_column_1"));
            assertThat(task.getProcess().getType()).isEqualTo(ProcessType.CLASSIFY);
        });
    }

    @Test
    void shouldHaltOnceWhenTheCostBudgetIsReachedMidStageAndIssueNoFurtherStage() {
        ingestSeedRows("S3");
        RunRequested command = RunRequested.newBuilder(command("S3", 3)).setMaxCostUsd(0.01).build();
        commands.pipeInput(command.getRunId(), command);
        List<TaskIssued> sentiment = tasks.readValuesToList();

        finish(sentiment.get(0), TaskOutcome.COMPLETED, 0.006, 100, 5);
        assertThat(halts.isEmpty()).as("$0.006 of $0.01 spent").isTrue();
        finish(sentiment.get(1), TaskOutcome.COMPLETED, 0.006, 100, 5);

        List<RunHalted> halted = halts.readValuesToList();
        assertThat(halted).singleElement().satisfies(h -> {
            assertThat(h.getRunId()).isEqualTo(command.getRunId());
            assertThat(h.getReason()).isEqualTo("budget reached: spent $0.0120 of $0.0100");
        });
        RunProgress run = runsStore().get(command.getRunId());
        assertThat(run.getStatus()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(run.getCompletedAt()).as("one result of the stage is still out").isNull();

        // A result finished in flight, its duplicate, then the worker's SKIPPED for the last row.
        finish(sentiment.get(1), TaskOutcome.COMPLETED, 0.006, 100, 5);
        finish(sentiment.get(2), TaskOutcome.SKIPPED, 0, 0, 0);
        finish(sentiment.get(2), TaskOutcome.SKIPPED, 0, 0, 0);

        assertThat(tasks.isEmpty()).as("no summarization after the budget is reached").isTrue();
        assertThat(halts.isEmpty()).as("a run is halted once").isTrue();
        run = runsStore().get(command.getRunId());
        assertThat(run.getStatus()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(run.getCompletedAt()).isNotNull();
        assertThat(run.getStageIndex()).isZero();
        assertThat(run.getStageCompleted()).isEqualTo(2);
        assertThat(run.getStageSkipped()).isEqualTo(1);
        assertThat(run.getTotalSkipped()).isEqualTo(1);
        assertThat(run.getSpentCostUsd()).isCloseTo(0.012, within(1e-9));
        assertThat(run.getSpentTokens()).isEqualTo(210);
    }

    @Test
    void shouldHaltOnTheTokenBudgetAndKeepCountingTheStageUntilItsResultsAreIn() {
        ingestSeedRows("S3");
        RunRequested command = RunRequested.newBuilder(command("S3", 3)).setMaxTokens(150L).build();
        commands.pipeInput(command.getRunId(), command);
        List<TaskIssued> sentiment = tasks.readValuesToList();

        finish(sentiment.get(0), TaskOutcome.FAILED, 0, 140, 10);

        assertThat(halts.readValuesToList()).singleElement()
                .extracting(RunHalted::getReason).isEqualTo("budget reached: spent 150 of 150 tokens");
        finish(sentiment.get(1), TaskOutcome.SKIPPED, 0, 0, 0);
        assertThat(runsStore().get(command.getRunId()).getCompletedAt()).isNull();
        finish(sentiment.get(2), TaskOutcome.COMPLETED, 0, 20, 1);

        RunProgress run = runsStore().get(command.getRunId());
        assertThat(run.getStatus()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(run.getCompletedAt()).isNotNull();
        assertThat(run.getStageFailed()).isEqualTo(1);
        assertThat(run.getStageSkipped()).isEqualTo(1);
        assertThat(run.getStageCompleted()).isEqualTo(1);
        assertThat(tasks.isEmpty()).isTrue();
        assertThat(halts.isEmpty()).isTrue();
    }

    @Test
    void shouldCompleteARunWhoseLastResultReachesTheBudget() {
        ingestSeedRows("S3");
        RunRequested command = RunRequested.newBuilder(command("S3", 3)).setMaxTokens(6L).build();
        commands.pipeInput(command.getRunId(), command);
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED, 0, 1, 0));
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED, 0, 1, 0));

        RunProgress run = runsStore().get(command.getRunId());
        assertThat(run.getSpentTokens()).isEqualTo(6);
        assertThat(run.getStatus()).as("nothing was left to stop").isEqualTo(RunStatus.COMPLETED);
        assertThat(halts.isEmpty()).isTrue();
    }

    @Test
    void shouldIgnoreSpendWithoutABudget() {
        ingestSeedRows("S3");
        String runId = requestRun("S3", 3);
        tasks.readValuesToList().forEach(t -> finish(t, TaskOutcome.COMPLETED, 5.0, 100_000, 100_000));

        assertThat(tasks.readValuesToList()).hasSize(3);
        assertThat(halts.isEmpty()).isTrue();
        assertThat(runsStore().get(runId).getStatus()).isEqualTo(RunStatus.RUNNING);
        assertThat(runsStore().get(runId).getSpentCostUsd()).isCloseTo(15.0, within(1e-9));
    }

    private List<String> ingestSeedRows(String source) {
        return List.of(
                ingest(source, Map.of("data_column_1", "I love this movie.", "data_column_2", "The plot was great.")),
                ingest(source, Map.of("data_column_1", "This is boring.", "data_column_2", "It dragged a lot.")),
                ingest(source, Map.of("data_column_1", "Amazing performance!", "data_column_2", "Best part ever.")));
    }

    private String ingest(String source, Map<String, String> columns) {
        String ref = UUID.randomUUID().toString();
        rows.pipeInput(ref, RowIngested.newBuilder().setReferenceId(ref).setSourceConnection(source)
                .setColumns(Map.copyOf(columns)).setIngestedAt(Instant.now()).build());
        return ref;
    }

    private String requestRun(String source, long expectedRows) {
        RunRequested command = command(source, expectedRows);
        commands.pipeInput(command.getRunId(), command);
        return command.getRunId();
    }

    private static RunRequested command(String source, long expectedRows) {
        return RunRequested.newBuilder()
                .setRunId(UUID.randomUUID().toString())
                .setWorkflowId(UUID.randomUUID().toString())
                .setSourceConnection(source)
                .setProcesses(SEED_PROCESSES)
                .setModel("gpt-4")
                .setExpectedRows(expectedRows)
                .setRequestedAt(Instant.now())
                .build();
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
