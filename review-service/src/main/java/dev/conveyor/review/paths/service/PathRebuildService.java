package dev.conveyor.review.paths.service;

import java.util.LinkedHashMap;
import java.util.Map;

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
        long events = 0;
        long steps = 0;
        int pathCount = 0;
        long[] skipped = {0};
        // one partition at a time: a Path's events are all in one, so memory holds a share of the view
        for (int partition = 0, n = replay.partitions(Topics.PATH_EVENTS); partition < n; partition++) {
            Map<String, Path> pathsById = new LinkedHashMap<>();
            events += replay.replay(Topics.PATH_EVENTS, partition,
                    batch -> batch.forEach(event -> fold(event, workflowsById, pathsById, skipped)));
            paths.insertAll(pathsById.values());
            pathCount += pathsById.size();
            steps += pathsById.values().stream().mapToLong(p -> p.steps().size()).sum();
        }
        workflows.insertAll(workflowsById.values()); // checked against the Paths at commit
        workflowService.forgetCached();
        recent.forgetAll();
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.infof("Rebuilt %d workflows and %d Paths (%d steps) from %d events in %d ms (%d duplicates skipped)",
                workflowsById.size(), pathCount, steps, events, millis, skipped[0]);
        return new Rebuilt(events, workflowsById.size(), pathCount, steps, skipped[0], millis);
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
