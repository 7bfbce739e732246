package dev.conveyor.review.paths.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.paths.PathEvents;
import dev.conveyor.review.paths.ResearchWorkflow;
import dev.conveyor.review.paths.WorkflowValidator;
import dev.conveyor.review.paths.messaging.PathOutbox;
import dev.conveyor.review.paths.repository.WorkflowRepository;
import dev.conveyor.schemas.PathEvent;

/** Registers workflows of protocols (the view and its event, in one transaction) and serves them; they never change. */
@ApplicationScoped
public class ResearchWorkflowService {

    private final WorkflowRepository workflows;
    private final PathOutbox events;
    // workflows are immutable once registered: safe to keep
    private final ConcurrentHashMap<String, ResearchWorkflow> cache = new ConcurrentHashMap<>();

    public ResearchWorkflowService(WorkflowRepository workflows, PathOutbox events) {
        this.workflows = workflows;
        this.events = events;
    }

    @Transactional
    public ResearchWorkflow register(JsonNode body) {
        WorkflowValidator.Validated valid = WorkflowValidator.validate(body);
        PathEvent event = PathEvents.workflowRegistered(UUID.randomUUID().toString(), valid.name(),
                valid.protocolsInfo(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        ResearchWorkflow workflow = PathEvents.workflow(event);
        events.add(event);
        workflows.insertAll(List.of(workflow));
        return workflow;
    }

    public Optional<ResearchWorkflow> find(String workflowId) {
        ResearchWorkflow known = cache.get(workflowId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<ResearchWorkflow> found = workflows.find(workflowId);
        found.ifPresent(w -> cache.put(w.id(), w));
        return found;
    }

    public List<ResearchWorkflow> page(int page, int size) {
        return workflows.page(page, size);
    }

    public long count() {
        return workflows.count();
    }

    /** After a rebuild the view was recreated from the topic: forget what was cached. */
    void forgetCached() {
        cache.clear();
    }
}
