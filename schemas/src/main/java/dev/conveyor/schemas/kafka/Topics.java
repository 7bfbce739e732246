package dev.conveyor.schemas.kafka;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;

import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.ReviewSessionEventAppended;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunHalted;
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

    public static final TopicSpec<byte[], RecordDeadLettered> DEAD_LETTER = new TopicSpec<>(
            "conveyor.dead-letter", 1, false, Serdes.ByteArray(), EventSerde.of(RecordDeadLettered.class));

    /**
     * Research Paths and their workflows of protocols (issue 6), keyed by aggregate id: the record
     * of truth that review-service materializes and can rebuild its tables from. Never compacted:
     * every event of a Path is needed to replay it.
     */
    public static final TopicSpec<String, PathEvent> PATH_EVENTS = new TopicSpec<>(
            "conveyor.path-events", STREAM_PARTITIONS, false, Serdes.String(), EventSerde.of(PathEvent.class));

    /** Dataset review sessions' event logs, kept forever: review-service rebuilds its view from them. */
    public static final TopicSpec<String, ReviewSessionEventAppended> REVIEW_SESSION_EVENTS = new TopicSpec<>(
            "conveyor.review-session-events", STREAM_PARTITIONS, false, Serdes.String(),
            EventSerde.of(ReviewSessionEventAppended.class));

    public static final List<TopicSpec<?, ?>> ALL = List.of(
            SOURCE_ROWS, WORKFLOW_DEFINITIONS, RUN_COMMANDS, LLM_TASKS, LLM_RESULTS, RUN_CONTROLS, DEAD_LETTER,
            PATH_EVENTS, REVIEW_SESSION_EVENTS);

    private Topics() {
    }
}
