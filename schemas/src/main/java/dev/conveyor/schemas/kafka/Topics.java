package dev.conveyor.schemas.kafka;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;

import dev.conveyor.schemas.RecordDeadLettered;
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

    /** Kept a month: operators read it after the fact. */
    public static final TopicSpec<byte[], RecordDeadLettered> DEAD_LETTER = new TopicSpec<>(
            "conveyor.dead-letter", 1, false, Serdes.ByteArray(), EventSerde.of(RecordDeadLettered.class),
            Duration.ofDays(30));

    public static final List<TopicSpec<?, ?>> ALL = List.of(
            SOURCE_ROWS, WORKFLOW_DEFINITIONS, RUN_COMMANDS, LLM_TASKS, LLM_RESULTS, RUN_CONTROLS, DEAD_LETTER);

    private Topics() {
    }
}
