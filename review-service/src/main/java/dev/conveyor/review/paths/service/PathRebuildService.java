package dev.conveyor.review.paths.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathEvents;
import dev.conveyor.review.paths.ResearchWorkflow;
import dev.conveyor.review.messaging.OutboxRelay;
import dev.conveyor.review.messaging.TopicReplay;
import dev.conveyor.review.paths.messaging.PathOutbox;
import dev.conveyor.review.paths.repository.PathRepository;
import dev.conveyor.review.paths.repository.WorkflowRepository;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.WorkflowOfProtocolsRegistered;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;

/**
 * Recreates the Path tables from conveyor.path-events: folds every event in memory with the same
 * {@link PathEvents#apply} the live writes use, then replaces the tables in one transaction that
 * holds writers off until it commits. The outbox is sent first, so the topic holds every committed
 * event when the replay starts.
 */
@ApplicationScoped
public class PathRebuildService {

    private static final Logger LOG = Logger.getLogger(PathRebuildService.class);

    /** What a rebuild read and wrote, and how long it took. */
    public record Rebuilt(long events, int workflows, int paths, long steps, long duplicates, long millis) {
    }

    private final TopicReplay replay;
    private final OutboxRelay relay;
    private final PathOutbox outbox;
    private final PathRepository paths;
    private final WorkflowRepository workflows;
    private final ResearchWorkflowService workflowService;
    private final RecentPaths recent;

    public PathRebuildService(TopicReplay replay, OutboxRelay relay, PathOutbox outbox, PathRepository paths,
            WorkflowRepository workflows, ResearchWorkflowService workflowService, RecentPaths recent) {
        this.replay = replay;
        this.relay = relay;
        this.outbox = outbox;
        this.paths = paths;
        this.workflows = workflows;
        this.workflowService = workflowService;
        this.recent = recent;
    }

    @Transactional
    @TransactionConfiguration(timeout = 3600) // a long log takes longer than the default minute
    public Rebuilt rebuild() {
        long started = System.nanoTime();
        paths.deleteAll(); // takes the table locks first: no write lands between replay and commit
        relay.drain(outbox); // what writers committed before the locks, onto the topic (its own transaction)
        Map<String, ResearchWorkflow> workflowsById = new LinkedHashMap<>();
        long[] skipped = {0};
        long steps = 0;
        int pathCount = 0;
        long events = 0;
        // One partition at a time (a Path's events are all in one, so memory holds a share of the view),
        // and two stages at once: a reader thread replays and folds partition p + 1 while this thread,
        // which holds the transaction, has PostgreSQL load partition p.
        int partitions = replay.partitions(Topics.PATH_EVENTS);
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> new Thread(r, "path-rebuild-reader"));
        try {
            Future<Folded> next = reader.submit(() -> foldPartition(0, workflowsById, skipped));
            for (int partition = 0; partition < partitions; partition++) {
                Folded folded = next.get();
                int following = partition + 1;
                if (following < partitions) {
                    next = reader.submit(() -> foldPartition(following, workflowsById, skipped));
                }
                paths.insertAll(folded.paths().values());
                events += folded.events();
                pathCount += folded.paths().size();
                steps += folded.paths().values().stream().mapToLong(p -> p.steps().size()).sum();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Rebuild interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot replay conveyor.path-events", e.getCause());
        } finally {
            reader.shutdownNow();
        }
        workflows.insertAll(workflowsById.values()); // checked against the Paths at commit
        workflowService.forgetCached();
        recent.forgetAll();
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.infof("Rebuilt %d workflows and %d Paths (%d steps) from %d events in %d ms (%d duplicates skipped)",
                workflowsById.size(), pathCount, steps, events, millis, skipped[0]);
        return new Rebuilt(events, workflowsById.size(), pathCount, steps, skipped[0], millis);
    }

    private record Folded(Map<String, Path> paths, long events) {
    }

    /** Runs on the reader thread; partitions are folded one after the other, so the shared maps need no lock. */
    private Folded foldPartition(int partition, Map<String, ResearchWorkflow> workflowsById, long[] skipped) {
        Map<String, Path> pathsById = new LinkedHashMap<>();
        long read = replay.replay(Topics.PATH_EVENTS, partition,
                batch -> batch.forEach(event -> fold(event, workflowsById, pathsById, skipped)));
        return new Folded(pathsById, read);
    }

    private static void fold(PathEvent event, Map<String, ResearchWorkflow> workflows, Map<String, Path> paths,
            long[] skipped) {
        if (event.getChange() instanceof WorkflowOfProtocolsRegistered) {
            workflows.putIfAbsent(event.getAggregateId(), PathEvents.workflow(event));
            return;
        }
        Path current = paths.get(event.getAggregateId());
        boolean inSequence = current == null ? event.getVersion() == 1 : event.getVersion() == current.version() + 1;
        if (!inSequence) {
            // a batch the relay sent again after a crash between the broker's acknowledgement and the
            // outbox's commit: the copy of a version already applied (docs/decisions/06-path-event-sourcing.md)
            skipped[0]++;
            return;
        }
        paths.put(event.getAggregateId(), PathEvents.apply(current, event));
    }
}
