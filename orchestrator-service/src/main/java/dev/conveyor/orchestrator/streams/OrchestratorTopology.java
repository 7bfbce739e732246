package dev.conveyor.orchestrator.streams;

import java.util.Map;
import java.util.function.Function;

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
import dev.conveyor.schemas.RowKept;
import dev.conveyor.schemas.RunDirectiveIssued;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.RunLifecycleRequested;
import dev.conveyor.schemas.RunMember;
import dev.conveyor.schemas.RunPartition;
import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.SourceRowsCounted;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.EventSerde;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The orchestration topology, in two parts.
 *
 * <ul>
 * <li><b>Partitions</b> ({@link RunPartitionProcessor}): rows and results keyed by reference id,
 * plus the coordinator's directives written to each partition. Each partition keeps the rows it
 * holds and its share of every run, issues tasks in bounded chunks and reports its counts. A
 * large source thus uses every partition and every instance.</li>
 * <li><b>Coordinators</b> ({@link RunCoordinator}): run commands, lifecycle requests and the
 * partitions' reports, keyed by source. A run's coordinator starts it, opens each stage when
 * every partition's count says the previous one is done, applies budgets and lifecycle
 * requests, announces finished runs and deletes them after the retention.</li>
 * </ul>
 */
public final class OrchestratorTopology {

    public static final String WORKFLOWS_STORE = "workflows";

    // partition side
    public static final String ROWS_STORE = "rows-kept";
    public static final String PARTITION_SOURCE_ROWS_STORE = "partition-source-rows";
    public static final String DIRTY_SOURCES_STORE = "partition-source-rows-unreported";
    public static final String RUN_DEFINITIONS_STORE = "run-definitions";
    public static final String RUN_PARTITIONS_STORE = "run-partitions";
    public static final String RUN_MEMBERS_STORE = "run-member-states";
    public static final String DEADLINES_STORE = "task-deadlines";
    public static final String FORGETTING_STORE = "runs-forgetting";
    public static final String CONTINUOUS_RUNS_STORE = "continuous-runs";

    // coordinator side
    public static final String RUNS_STORE = "runs";
    public static final String RUN_COUNTS_STORE = "run-partition-counts";
    public static final String SOURCE_COUNTS_STORE = "coordinator-source-rows";
    public static final String WAITING_RUNS_STORE = "waiting-runs";

    private OrchestratorTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param persistent RocksDB stores when true, in-memory stores (still changelogged) otherwise
     * @param keepAllColumns keep every column of a row, not only those the source's workflows read
     */
    public static Topology build(StreamsBuilder builder, OrchestrationSettings settings, boolean persistent,
            boolean keepAllColumns) {
        return build(builder, settings, persistent, keepAllColumns, TaskTraces.copying());
    }

    /** As above; {@code traces} puts each row's trace context on the tasks issued for it. */
    public static Topology build(StreamsBuilder builder, OrchestrationSettings settings, boolean persistent,
            boolean keepAllColumns, TaskTraces traces) {
        builder.globalTable(Topics.WORKFLOW_DEFINITIONS.name(),
                Consumed.with(Topics.WORKFLOW_DEFINITIONS.keySerde(), Topics.WORKFLOW_DEFINITIONS.valueSerde()),
                Materialized.as(WORKFLOWS_STORE));
        int partitions = settings.partitions();

        // ---- partitions: rows, results and directives by reference id / partition
        builder.addStateStore(store(ROWS_STORE, EventSerde.of(RowKept.class), persistent));
        builder.addStateStore(store(PARTITION_SOURCE_ROWS_STORE, Serdes.Long(), persistent));
        builder.addStateStore(store(DIRTY_SOURCES_STORE, Serdes.String(), persistent));
        builder.addStateStore(store(RUN_DEFINITIONS_STORE, EventSerde.of(RunDirectiveIssued.class), persistent));
        builder.addStateStore(store(RUN_PARTITIONS_STORE, EventSerde.of(RunPartition.class), persistent));
        builder.addStateStore(store(RUN_MEMBERS_STORE, EventSerde.of(RunMember.class), persistent));
        builder.addStateStore(store(DEADLINES_STORE, Serdes.String(), persistent));
        builder.addStateStore(store(FORGETTING_STORE, Serdes.String(), persistent));
        builder.addStateStore(store(CONTINUOUS_RUNS_STORE, Serdes.String(), persistent));

        // Rows are keyed by reference id on the topic; one produced with another key is re-keyed.
        Map<String, KStream<String, RowIngested>> rowBranches = stream(builder, Topics.SOURCE_ROWS)
                .filter((key, row) -> row != null && row.getSourceConnection() != null
                        && row.getReferenceId() != null)
                .split(Named.as("rows-"))
                .branch((key, row) -> row.getReferenceId().equals(key), Branched.as("keyed"))
                .defaultBranch(Branched.as("other"));
        KStream<String, SpecificRecordBase> rows = rowBranches.get("rows-keyed")
                .merge(byKey(rowBranches.get("rows-other"), Topics.SOURCE_ROWS, "rows-by-reference",
                        RowIngested::getReferenceId, partitions))
                .mapValues(row -> (SpecificRecordBase) row);
        KStream<String, SpecificRecordBase> results = byKey(
                // results of tasks other services asked for (research Paths, review sessions) are theirs, not a run's
                stream(builder, Topics.LLM_RESULTS)
                        .filter((key, result) -> result != null && TaskOrigins.fromWorkflowRun(result)),
                Topics.LLM_RESULTS, "results-by-reference", TaskFinished::getReferenceId, partitions)
                .mapValues(result -> (SpecificRecordBase) result);
        KStream<String, SpecificRecordBase> directives = stream(builder, Topics.RUN_DIRECTIVES)
                .filter((key, directive) -> directive != null)
                .mapValues(directive -> (SpecificRecordBase) directive);

        rows.merge(results).merge(directives)
                .process(() -> new RunPartitionProcessor(settings, new RowColumns(keepAllColumns), traces), ROWS_STORE,
                        PARTITION_SOURCE_ROWS_STORE, DIRTY_SOURCES_STORE, RUN_DEFINITIONS_STORE, RUN_PARTITIONS_STORE,
                        RUN_MEMBERS_STORE, DEADLINES_STORE, FORGETTING_STORE, CONTINUOUS_RUNS_STORE)
                .split(Named.as("partition-output-"))
                .branch((key, value) -> value instanceof TaskIssued, to(Topics.LLM_TASKS, TaskIssued.class, "tasks"))
                .branch((key, value) -> value instanceof TaskFinished,
                        to(Topics.LLM_RESULTS, TaskFinished.class, "results"))
                .branch((key, value) -> value instanceof RunPartitionReported,
                        to(Topics.RUN_REPORTS, RunPartitionReported.class, "reports"))
                .branch((key, value) -> value instanceof SourceRowsCounted,
                        to(Topics.SOURCE_ROW_COUNTS, SourceRowsCounted.class, "row-counts"))
                .noDefaultBranch();

        // ---- coordinators: commands, lifecycle and reports by source
        builder.addStateStore(store(RUNS_STORE, EventSerde.of(RunProgress.class), persistent));
        builder.addStateStore(store(RUN_COUNTS_STORE, EventSerde.of(RunPartitionReported.class), persistent));
        builder.addStateStore(store(SOURCE_COUNTS_STORE, Serdes.Long(), persistent));
        builder.addStateStore(store(WAITING_RUNS_STORE, Serdes.String(), persistent));

        KStream<String, SpecificRecordBase> commands = byKey(
                stream(builder, Topics.RUN_COMMANDS).filter((k, v) -> v != null && v.getSourceConnection() != null),
                Topics.RUN_COMMANDS, "runs-by-source", RunRequested::getSourceConnection, partitions)
                .mapValues(v -> (SpecificRecordBase) v);
        KStream<String, SpecificRecordBase> lifecycle = byKey(
                stream(builder, Topics.RUN_LIFECYCLE).filter((k, v) -> v != null && v.getSourceConnection() != null),
                Topics.RUN_LIFECYCLE, "lifecycle-by-source", RunLifecycleRequested::getSourceConnection, partitions)
                .mapValues(v -> (SpecificRecordBase) v);
        KStream<String, SpecificRecordBase> reports = stream(builder, Topics.RUN_REPORTS)
                .filter((k, v) -> v != null).mapValues(v -> (SpecificRecordBase) v);
        KStream<String, SpecificRecordBase> rowCounts = stream(builder, Topics.SOURCE_ROW_COUNTS)
                .filter((k, v) -> v != null).mapValues(v -> (SpecificRecordBase) v);

        commands.merge(lifecycle).merge(reports).merge(rowCounts)
                .process(() -> new RunCoordinator(settings), RUNS_STORE, RUN_COUNTS_STORE, SOURCE_COUNTS_STORE,
                        WAITING_RUNS_STORE)
                .split(Named.as("coordinator-output-"))
                .branch((key, value) -> value instanceof RunDirectiveIssued, Branched.withConsumer(out -> out
                        .mapValues(value -> (RunDirectiveIssued) value)
                        // each directive goes to the partition it names
                        .to(Topics.RUN_DIRECTIVES.name(), Produced.with(Topics.RUN_DIRECTIVES.keySerde(),
                                Topics.RUN_DIRECTIVES.valueSerde())
                                .withStreamPartitioner((topic, key, value, n) ->
                                        java.util.Optional.of(java.util.Set.of(value.getPartition() % n)))),
                        "directives"))
                .branch((key, value) -> value instanceof RunHalted, to(Topics.RUN_CONTROLS, RunHalted.class, "halts"))
                .branch((key, value) -> value instanceof RunFinished,
                        to(Topics.RUN_COMPLETED, RunFinished.class, "finished"))
                .noDefaultBranch();
        return builder.build();
    }

    private static <V> KStream<String, V> stream(StreamsBuilder builder, TopicSpec<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()));
    }

    private static <V> KStream<String, V> byKey(KStream<String, V> stream, TopicSpec<String, V> topic, String name,
            Function<V, String> key, int partitions) {
        return stream.selectKey((k, value) -> key.apply(value))
                .repartition(Repartitioned.with(Serdes.String(), topic.valueSerde())
                        .withName(name)
                        .withNumberOfPartitions(partitions));
    }

    private static <V extends SpecificRecordBase> Branched<String, SpecificRecordBase> to(TopicSpec<String, V> topic,
            Class<V> type, String name) {
        return Branched.withConsumer(out -> out.mapValues(type::cast)
                .to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde())), name);
    }

    /**
     * A store without a record cache: measured with one (64 MB), a 100,000-row run took three
     * times as long, since every range scan (chunks, deadlines) merges a copy of the cache's keys
     * (docs/benchmarks.md, "Runs at a million rows").
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> valueSerde,
            boolean persistent) {
        return Stores.keyValueStoreBuilder(
                persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name),
                Serdes.String(), valueSerde).withCachingDisabled();
    }
}
