package dev.conveyor.orchestrator.streams;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.EventSerde;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The orchestration topology. Rows, run commands and results are re-keyed by their
 * {@code source_connection} into co-partitioned repartition topics, so that a run, its rows and
 * its results always meet in the same task and its stores; {@link RunProcessor} then walks each
 * run stage by stage, writing tasks to {@code conveyor.llm-tasks} and, when a run's budget is
 * reached, a {@code RunHalted} to {@code conveyor.run-controls}.
 */
public final class OrchestratorTopology {

    public static final String WORKFLOWS_STORE = "workflows";
    public static final String ROWS_STORE = "rows";
    public static final String SOURCE_COUNTS_STORE = "source-row-counts";
    public static final String RUNS_STORE = "runs";
    public static final String RUN_MEMBERS_STORE = "run-members";
    public static final String WAITING_RUNS_STORE = "waiting-runs";
    public static final String TASKS_DONE_STORE = "tasks-done";

    private OrchestratorTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param rowWaitTimeout how long a run waits for the rows its command promises before it
     *        starts with the rows that have arrived
     * @param persistent RocksDB stores when true, in-memory stores (still changelogged) otherwise
     */
    public static Topology build(StreamsBuilder builder, Duration rowWaitTimeout, boolean persistent) {
        builder.globalTable(Topics.WORKFLOW_DEFINITIONS.name(),
                Consumed.with(Topics.WORKFLOW_DEFINITIONS.keySerde(), Topics.WORKFLOW_DEFINITIONS.valueSerde()),
                Materialized.as(WORKFLOWS_STORE));

        builder.addStateStore(store(ROWS_STORE, EventSerde.of(RowIngested.class), persistent));
        builder.addStateStore(store(SOURCE_COUNTS_STORE, Serdes.Long(), persistent));
        builder.addStateStore(store(RUNS_STORE, EventSerde.of(RunProgress.class), persistent));
        builder.addStateStore(store(RUN_MEMBERS_STORE, Serdes.String(), persistent));
        builder.addStateStore(store(WAITING_RUNS_STORE, Serdes.String(), persistent));
        builder.addStateStore(store(TASKS_DONE_STORE, Serdes.String(), persistent));

        KStream<String, SpecificRecordBase> rows = bySource(builder, Topics.SOURCE_ROWS, "rows-by-source",
                RowIngested::getSourceConnection);
        KStream<String, SpecificRecordBase> runs = bySource(builder, Topics.RUN_COMMANDS, "runs-by-source",
                RunRequested::getSourceConnection);
        // results of tasks asked for by other services (research Paths, review sessions) are theirs, not a run's
        KStream<String, SpecificRecordBase> results = bySource(builder, Topics.LLM_RESULTS, "results-by-source",
                result -> TaskOrigins.fromWorkflowRun(result) ? result.getSourceConnection() : null);

        // The processor emits tasks and, when a run's budget is reached, one RunHalted: each goes to its topic.
        rows.merge(runs).merge(results)
                .process(() -> new RunProcessor(rowWaitTimeout), ROWS_STORE, SOURCE_COUNTS_STORE, RUNS_STORE,
                        RUN_MEMBERS_STORE, WAITING_RUNS_STORE, TASKS_DONE_STORE)
                .split(Named.as("run-output-"))
                .branch((key, value) -> value instanceof TaskIssued, Branched.withConsumer(tasks -> tasks
                        .mapValues(value -> (TaskIssued) value)
                        .to(Topics.LLM_TASKS.name(),
                                Produced.with(Topics.LLM_TASKS.keySerde(), Topics.LLM_TASKS.valueSerde())),
                        "tasks"))
                .branch((key, value) -> value instanceof RunHalted, Branched.withConsumer(halts -> halts
                        .mapValues(value -> (RunHalted) value)
                        .to(Topics.RUN_CONTROLS.name(),
                                Produced.with(Topics.RUN_CONTROLS.keySerde(), Topics.RUN_CONTROLS.valueSerde())),
                        "halts"))
                .noDefaultBranch();
        return builder.build();
    }

    private static <V extends SpecificRecordBase> KStream<String, SpecificRecordBase> bySource(StreamsBuilder builder,
            TopicSpec<String, V> topic, String name, java.util.function.Function<V, String> source) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()))
                .filter((key, value) -> value != null && source.apply(value) != null)
                .selectKey((key, value) -> source.apply(value))
                .repartition(Repartitioned.with(Serdes.String(), topic.valueSerde())
                        .withName(name)
                        .withNumberOfPartitions(Topics.STREAM_PARTITIONS))
                .mapValues(value -> (SpecificRecordBase) value);
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> valueSerde,
            boolean persistent) {
        return Stores.keyValueStoreBuilder(
                persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name),
                Serdes.String(), valueSerde);
    }
}
