package dev.conveyor.orchestrator.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.InvalidStateStorePartitionException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.WorkflowDefined;

/**
 * Interactive queries on the topology's stores. Workflows are in a global store (every
 * instance has all of them); a run lives in the task of its source's partition, so a lookup
 * answers found or not found when this instance holds that partition, and otherwise names the
 * instance that does. A store that is not ready answers 503.
 */
@ApplicationScoped
public class StateQueries {

    /** The answer to a partitioned lookup. */
    public record Lookup<T>(Optional<T> value, Optional<HostInfo> owner) {

        public <R> Lookup<R> map(Function<T, R> mapper) {
            return new Lookup<>(value.map(mapper), owner);
        }
    }

    private final KafkaStreams streams;
    private final String applicationServer;

    public StateQueries(KafkaStreams streams,
            @ConfigProperty(name = "quarkus.kafka-streams.application-server") Optional<String> applicationServer) {
        this.streams = streams;
        this.applicationServer = applicationServer.orElse("");
    }

    public Optional<WorkflowDefined> workflow(String workflowId) {
        return Optional.ofNullable(this.<WorkflowDefined>store(OrchestratorTopology.WORKFLOWS_STORE).get(workflowId));
    }

    /** Waits until the workflow is in this instance's global store, within the timeout. */
    public void awaitWorkflow(String workflowId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (workflow(workflowId).isPresent()) {
                    return;
                }
            } catch (ProblemException notReady) {
                // store still restoring; keep waiting until the deadline
            }
            try {
                Thread.sleep(20); // polling a local store with a deadline; there is no change callback
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ProblemException(Problem.of(503, "Workflow not yet visible", "Workflow " + workflowId
                + " was published but is not in the workflow store after " + timeout.toSeconds() + " s"));
    }

    /** A run with the counts of every partition that has reported on it. */
    public record RunState(RunProgress run, RunTotals totals) {
    }

    public Lookup<RunState> run(String source, String runId) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(OrchestratorTopology.RUNS_STORE, source,
                Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw notReady(OrchestratorTopology.RUNS_STORE);
        }
        // Asked of the partition itself rather than by comparing addresses: an advertised
        // address can differ from what this instance reads back (a port chosen at start).
        ReadOnlyKeyValueStore<String, RunProgress> runs = store(OrchestratorTopology.RUNS_STORE,
                metadata.partition());
        try {
            RunProgress run = runs.get(runId);
            if (run == null) {
                return new Lookup<>(Optional.empty(), Optional.empty());
            }
            ReadOnlyKeyValueStore<String, RunPartitionReported> counts = store(OrchestratorTopology.RUN_COUNTS_STORE,
                    metadata.partition());
            List<RunPartitionReported> reports = new ArrayList<>();
            try (KeyValueIterator<String, RunPartitionReported> it = counts.prefixScan(runId + '\u0000',
                    Serdes.String().serializer())) {
                it.forEachRemaining(entry -> reports.add(entry.value));
            }
            return new Lookup<>(Optional.of(new RunState(run, RunTotals.of(run, reports))), Optional.empty());
        } catch (InvalidStateStorePartitionException elsewhere) {
            HostInfo owner = metadata.activeHost();
            if (!applicationServer.isEmpty() && owner.equals(HostInfo.buildFromEndpoint(applicationServer))) {
                throw notReady(OrchestratorTopology.RUNS_STORE); // ours, but not active here yet
            }
            return new Lookup<>(Optional.empty(), Optional.of(owner));
        } catch (InvalidStateStoreException e) {
            throw notReady(OrchestratorTopology.RUNS_STORE);
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw notReady(name);
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
                    .withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw notReady(name);
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw notReady(name);
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw notReady(name);
        }
    }

    private static ProblemException notReady(String store) {
        return new ProblemException(Problem.of(503, "Not ready", "The " + store
                + " store is not ready yet (the orchestrator is starting or rebalancing); retry shortly"));
    }
}
