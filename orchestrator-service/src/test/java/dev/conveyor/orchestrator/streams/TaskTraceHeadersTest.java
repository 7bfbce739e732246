package dev.conveyor.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.Topics;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * A row's {@code traceparent} header reaches every task issued for it: the first stage's (issued
 * when the run starts), the next stage's (issued from a punctuation, long after the row came
 * in), a re-issue after the deadline, and the Failed result the orchestrator writes itself.
 */
class TaskTraceHeadersTest {

    private static final List<ProcessStep> PROCESSES = List.of(
            BuiltInProcesses.shortForm("sentiment", "data_column_1"),
            BuiltInProcesses.shortForm("summarization", "data_column_2"));
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofMinutes(1);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, RowIngested> rows;
    private TestInputTopic<String, RunRequested> commands;
    private TestInputTopic<String, TaskFinished> results;
    private TestOutputTopic<String, TaskIssued> tasks;
    private TestOutputTopic<String, TaskFinished> orchestratorResults;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldPutEachRowsTraceContextOnEveryTaskIssuedForIt() {
        start(TaskTraces.copying());
        Map<String, String> traceparents = new HashMap<>();
        for (String text : List.of("I love this movie.", "This is boring.")) {
            String ref = UUID.randomUUID().toString();
            String traceparent = traceparent();
            traceparents.put(ref, traceparent);
            row(ref, ref, text, traceparent);
        }
        // a row produced under another key is re-keyed through a repartition topic: its header goes along
        String rekeyed = UUID.randomUUID().toString();
        traceparents.put(rekeyed, traceparent());
        row("S3", rekeyed, "Amazing performance!", traceparents.get(rekeyed));
        String untraced = UUID.randomUUID().toString();
        row(untraced, untraced, "No header.", null);
        tick();

        requestRun(4);
        List<TestRecord<String, TaskIssued>> first = tasks.readRecordsToList();
        assertThat(first).hasSize(4);
        assertHeaders(first, traceparents, untraced);

        first.forEach(task -> finish(task.value()));
        tick();
        List<TestRecord<String, TaskIssued>> second = tasks.readRecordsToList();
        assertThat(second).hasSize(4).allSatisfy(t -> assertThat(t.value().getStageIndex()).isEqualTo(1));
        assertHeaders(second, traceparents, untraced);

        // no results for the second stage: each task is issued once more, then Failed by the orchestrator
        advance(DEADLINE.plusSeconds(1));
        List<TestRecord<String, TaskIssued>> reissued = tasks.readRecordsToList();
        assertThat(reissued).hasSize(4);
        assertHeaders(reissued, traceparents, untraced);
        advance(DEADLINE.plusSeconds(1));
        List<TestRecord<String, TaskFinished>> failed = orchestratorResults.readRecordsToList().stream()
                .filter(r -> r.value().getOutcome() == TaskOutcome.FAILED).toList();
        assertThat(failed).hasSize(4).allSatisfy(r -> assertThat(header(r))
                .isEqualTo(traceparents.get(r.value().getReferenceId())));
    }

    @Test
    void shouldIssueEachTaskUnderAnOrchestratorSpanInTheRowsTraceWhenTracingIsOn() {
        List<SpanData> spans = new ArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(collectInto(spans)).build();
        try {
            start(TaskTraces.tracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build()));
            String ref = UUID.randomUUID().toString();
            String rowTrace = traceparent();
            row(ref, ref, "I love this movie.", rowTrace);
            tick();
            requestRun(1);

            TestRecord<String, TaskIssued> task = tasks.readRecord();
            String taskTrace = header(task);
            assertThat(traceId(taskTrace)).as("same trace").isEqualTo(traceId(rowTrace));
            assertThat(spanId(taskTrace)).as("the orchestrator's span, not the row's").isNotEqualTo(spanId(rowTrace));
            assertThat(spans).singleElement().satisfies(span -> {
                assertThat(span.getName()).isEqualTo(Topics.LLM_TASKS.name() + " publish");
                assertThat(span.getTraceId()).isEqualTo(traceId(rowTrace));
                assertThat(span.getParentSpanId()).isEqualTo(spanId(rowTrace));
                assertThat(span.getSpanId()).isEqualTo(spanId(taskTrace));
            });
        } finally {
            provider.close();
        }
    }

    private void assertHeaders(List<TestRecord<String, TaskIssued>> issued, Map<String, String> traceparents,
            String untraced) {
        assertThat(issued).allSatisfy(task -> {
            String ref = task.value().getReferenceId();
            if (ref.equals(untraced)) {
                assertThat(task.headers().lastHeader(TaskTraces.HEADER)).as("a row without context").isNull();
            } else {
                assertThat(header(task)).as("task of row %s", ref).isEqualTo(traceparents.get(ref));
            }
        });
    }

    private void start(TaskTraces traces) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trace-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // a state directory of its own: other builds on the machine run topology tests too
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        OrchestrationSettings settings = OrchestrationSettings.defaults(1).withRowWaitTimeout(Duration.ofMinutes(5))
                .withTaskDeadline(DEADLINE);
        driver = new TopologyTestDriver(OrchestratorTopology.build(new StreamsBuilder(), settings, false, false,
                traces), props, START);
        rows = driver.createInputTopic(Topics.SOURCE_ROWS.name(), new StringSerializer(),
                Topics.SOURCE_ROWS.valueSerde().serializer());
        commands = driver.createInputTopic(Topics.RUN_COMMANDS.name(), new StringSerializer(),
                Topics.RUN_COMMANDS.valueSerde().serializer());
        results = driver.createInputTopic(Topics.LLM_RESULTS.name(), new StringSerializer(),
                Topics.LLM_RESULTS.valueSerde().serializer());
        tasks = driver.createOutputTopic(Topics.LLM_TASKS.name(), Topics.LLM_TASKS.keySerde().deserializer(),
                Topics.LLM_TASKS.valueSerde().deserializer());
        orchestratorResults = driver.createOutputTopic(Topics.LLM_RESULTS.name(),
                Topics.LLM_RESULTS.keySerde().deserializer(), Topics.LLM_RESULTS.valueSerde().deserializer());
    }

    private void row(String key, String ref, String text, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add(TaskTraces.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        rows.pipeInput(new TestRecord<>(key, RowIngested.newBuilder().setReferenceId(ref).setSourceConnection("S3")
                .setColumns(Map.of("data_column_1", text, "data_column_2", text)).setIngestedAt(START).build(),
                headers, START));
    }

    private void requestRun(long expectedRows) {
        String runId = UUID.randomUUID().toString();
        commands.pipeInput(runId, RunRequested.newBuilder().setRunId(runId).setWorkflowId(UUID.randomUUID().toString())
                .setSourceConnection("S3").setProcesses(PROCESSES).setModel("gpt-4").setExpectedRows(expectedRows)
                .setRequestedAt(START).build());
    }

    private void finish(TaskIssued task) {
        results.pipeInput(task.getTaskId(), TaskFinished.newBuilder()
                .setTaskId(task.getTaskId()).setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId()).setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName()).setStageIndex(task.getStageIndex())
                .setOutcome(TaskOutcome.COMPLETED).setOutput("ok").setModel(task.getModel())
                .setIssuedAt(task.getIssuedAt()).setFinishedAt(START).setOrigin(task.getOrigin()).build());
    }

    private void tick() {
        advance(Duration.ofSeconds(2));
    }

    private void advance(Duration by) {
        driver.advanceWallClockTime(by);
    }

    private static String header(TestRecord<String, ?> record) {
        return TaskTraces.traceparent(record.headers());
    }

    private static String traceparent() {
        return "00-" + UUID.randomUUID().toString().replace("-", "") + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "-01";
    }

    private static String traceId(String traceparent) {
        return traceparent.split("-")[1];
    }

    private static String spanId(String traceparent) {
        return traceparent.split("-")[2];
    }

    private static SpanProcessor collectInto(List<SpanData> spans) {
        return new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
            }

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                spans.add(span.toSpanData());
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        };
    }
}
