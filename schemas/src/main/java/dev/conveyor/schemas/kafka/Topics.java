package dev.conveyor.schemas.kafka;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;

import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.ReviewSessionEventAppended;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunDirectiveIssued;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunLifecycleRequested;
import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.SourceRowsCounted;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.WorkflowDefined;

/**
 * Every topic of the platform, named and sized in one place. Keys are strings (UUIDs); values
 * are Avro in single-object encoding.
 */
public final class Topics {

    /** Partitions of the topics whose records the orchestrator co-partitions by source. */
    public static final int STREAM_PARTITIONS = 6;

    public static final TopicSpec<String, RowIngested> SOURCE_ROWS = new TopicSpec<>(
            "conveyor.source-rows", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(RowIngested.class));

    /**
     * Intake for outside producers (kcat, kafka-console-producer): one JSON object of column to value
     * per record, the source named by the key (or a {@code source} header). Ingest turns each into a
     * source row; records it cannot take go to the dead-letter topic with the reason.
     */
    public static final TopicSpec<String, byte[]> SOURCE_ROWS_JSON = new TopicSpec<>(
            "conveyor.source-rows-json", STREAM_PARTITIONS, false, Serdes.String(), Serdes.ByteArray());

    public static final TopicSpec<String, WorkflowDefined> WORKFLOW_DEFINITIONS = new TopicSpec<>(
            "conveyor.workflow-definitions", 1, true, Serdes.String(), EventSerde.of(WorkflowDefined.class));

    public static final TopicSpec<String, RunRequested> RUN_COMMANDS = new TopicSpec<>(
            "conveyor.run-commands", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(RunRequested.class));

    /** More partitions than the rest: this is where the workers' parallelism comes from. */
    public static final TopicSpec<String, TaskIssued> LLM_TASKS = new TopicSpec<>(
            "conveyor.llm-tasks", 12, false, Serdes.String(), EventSerde.of(TaskIssued.class));

    public static final TopicSpec<String, TaskFinished> LLM_RESULTS = new TopicSpec<>(
            "conveyor.llm-results", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(TaskFinished.class));

    /** Runs that must make no further model calls; every worker reads all of it. */
    public static final TopicSpec<String, RunHalted> RUN_CONTROLS = new TopicSpec<>(
            "conveyor.run-controls", 1, true, Serdes.String(), EventSerde.of(RunHalted.class));

    /** Kept a month: operators read it after the fact. */
    public static final TopicSpec<byte[], RecordDeadLettered> DEAD_LETTER = new TopicSpec<>(
            "conveyor.dead-letter", 1, false, Serdes.ByteArray(), EventSerde.of(RecordDeadLettered.class),
            Duration.ofDays(30));

    /**
     * Research Paths and their workflows of protocols (issue 6), keyed by aggregate id: the record
     * of truth that review-service materializes and can rebuild its tables from. Never compacted:
     * every event of a Path is needed to replay it.
     */
    public static final TopicSpec<String, PathEvent> PATH_EVENTS = new TopicSpec<>(
            "conveyor.path-events", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(PathEvent.class),
            TopicSpec.KEEP_FOREVER);

    /** Dataset review sessions' event logs, kept forever: review-service rebuilds its view from them. */
    public static final TopicSpec<String, ReviewSessionEventAppended> REVIEW_SESSION_EVENTS = new TopicSpec<>(
            "conveyor.review-session-events", STREAM_PARTITIONS, false, Serdes.String(),
            EventSerde.of(ReviewSessionEventAppended.class), TopicSpec.KEEP_FOREVER);

    /** Pause, resume, cancel, retry-failed requests for runs (orchestrator REST to its topology). */
    public static final TopicSpec<String, RunLifecycleRequested> RUN_LIFECYCLE = new TopicSpec<>(
            "conveyor.run-lifecycle", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(RunLifecycleRequested.class));

    /**
     * Orchestrator-internal: a run's coordinator to each partition holding its rows (one record
     * per partition, written to that partition). Sized like the rows it fans out to.
     */
    public static final TopicSpec<String, RunDirectiveIssued> RUN_DIRECTIVES = new TopicSpec<>(
            "conveyor.run-directives", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(RunDirectiveIssued.class));

    /** Orchestrator-internal: each partition's counts of a run, keyed by source for the run's coordinator. */
    public static final TopicSpec<String, RunPartitionReported> RUN_REPORTS = new TopicSpec<>(
            "conveyor.run-reports", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(RunPartitionReported.class));

    /** Orchestrator-internal: rows of a source each partition holds, keyed by source. */
    public static final TopicSpec<String, SourceRowsCounted> SOURCE_ROW_COUNTS = new TopicSpec<>(
            "conveyor.source-row-counts", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(SourceRowsCounted.class));

    /** A run reached a terminal status (completed, budget exhausted, cancelled), with its final counts. */
    public static final TopicSpec<String, RunFinished> RUN_COMPLETED = new TopicSpec<>(
            "conveyor.run-completed", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(RunFinished.class));

    public static final List<TopicSpec<?, ?>> ALL = List.of(
            SOURCE_ROWS, SOURCE_ROWS_JSON, WORKFLOW_DEFINITIONS, RUN_COMMANDS, LLM_TASKS, LLM_RESULTS, RUN_CONTROLS,
            DEAD_LETTER, RUN_LIFECYCLE, RUN_DIRECTIVES, RUN_REPORTS, SOURCE_ROW_COUNTS, RUN_COMPLETED, PATH_EVENTS,
            REVIEW_SESSION_EVENTS);

    private Topics() {
    }
}
