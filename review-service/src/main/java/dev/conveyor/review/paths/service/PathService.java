package dev.conveyor.review.paths.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.ai.AiAnswer;
import dev.conveyor.review.ai.AiTaskPublisher;
import dev.conveyor.review.ai.AiTaskRequest;
import dev.conveyor.review.paths.AiStepRequest;
import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathAiPrompts;
import dev.conveyor.review.paths.PathEvents;
import dev.conveyor.review.paths.PathRecords;
import dev.conveyor.review.paths.PathRuleException;
import dev.conveyor.review.paths.PathRules;
import dev.conveyor.review.paths.PathStatus;
import dev.conveyor.review.paths.PathStep;
import dev.conveyor.review.paths.ResearchWorkflow;
import dev.conveyor.review.paths.StepMode;
import dev.conveyor.review.paths.StepType;
import dev.conveyor.review.paths.messaging.PathOutbox;
import dev.conveyor.review.paths.repository.GroupCommit;
import dev.conveyor.review.paths.repository.PathRepository;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.TaskOrigins;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Every change to a Path: lock its row, check the expected version, let {@link PathRules} decide,
 * apply the event to the view and add it to the outbox, all in one database transaction; the relay
 * puts it on the topic once committed. Of two writers expecting the same version, the second finds
 * the version moved once the first commits, and gets a {@link VersionConflictException}.
 */
@ApplicationScoped
public class PathService {

    private static final Logger LOG = Logger.getLogger(PathService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PathRepository paths;
    private final ResearchWorkflowService workflows;
    private final PathOutbox events;
    private final AiTaskPublisher ai;
    private final RecentPaths recent;
    // concurrent appends share a transaction and a round trip; alone, one goes out at once
    private final GroupCommit<PathRepository.AppendRow> appends;

    public PathService(PathRepository paths, ResearchWorkflowService workflows, PathOutbox events,
            AiTaskPublisher ai, RecentPaths recent) {
        this.paths = paths;
        this.workflows = workflows;
        this.events = events;
        this.ai = ai;
        this.recent = recent;
        this.appends = new GroupCommit<>(paths::appendAllAtVersion, paths::appendAtVersion, MAX_APPENDS_TOGETHER);
    }

    /** Appends written in one transaction at most: bounds the row locks one commit holds. */
    static final int MAX_APPENDS_TOGETHER = 64;

    @Transactional
    public Path start(String workflowId) {
        if (workflows.find(workflowId).isEmpty()) {
            throw PathRuleException.invalid("workflow_id", "no workflow of protocols " + workflowId
                    + " is registered (POST /research-workflows)");
        }
        PathEvent event = PathEvents.started(UUID.randomUUID().toString(), workflowId, now());
        events.add(event);
        Path path = PathEvents.apply(null, event);
        paths.save(null, path);
        recent.remember(path);
        return path;
    }

    public Optional<Path> find(String pathId) {
        return paths.find(pathId);
    }

    public List<Path> page(PathStatus status, String workflowId, int page, int size) {
        return paths.page(status, workflowId, page, size);
    }

    public long count(PathStatus status, String workflowId) {
        return paths.count(status, workflowId);
    }

    public ResearchWorkflow workflowOf(Path path) {
        return workflows.find(path.workflowId()).orElseThrow(() -> new IllegalStateException(
                "Path " + path.id() + " refers to unknown workflow " + path.workflowId()));
    }

    /**
     * A person's step. With an expected version and no surrounding transaction it is written in
     * one statement that commits on its own ({@link #appendAtVersion}); with {@code If-Match: *}
     * (no version to check against) the Path's row is locked first, as every other write does.
     */
    public Path append(String pathId, Long expectedVersion, JsonNode step) {
        if (expectedVersion != null && !QuarkusTransaction.isActive()) {
            return appendAtVersion(pathId, expectedVersion, step);
        }
        return QuarkusTransaction.joiningExisting().call(() -> change(pathId, expectedVersion, path -> {
            PathStep checked = PathRules.checkAppend(path, workflowOf(path), step);
            return PathEvents.appended(path, checked, null, now());
        }));
    }

    /**
     * Optimistic append: decide on the Path at the expected version (the last committed state this
     * instance wrote, else read from the tables), then write the step, the head and the event only
     * if the row is still at that version. Of two racing appends the second waits for the first's
     * row lock, finds the version moved and writes nothing: 412. The step's data is serialized once,
     * for the table and the event.
     */
    private Path appendAtVersion(String pathId, long expectedVersion, JsonNode body) {
        if (!validUuid(pathId)) {
            throw PathRuleException.notFound("path_id", "no Path " + pathId);
        }
        Path path = recent.at(pathId, expectedVersion).or(() -> paths.find(pathId))
                .orElseThrow(() -> PathRuleException.notFound("path_id", "no Path " + pathId));
        if (path.version() != expectedVersion) {
            throw new VersionConflictException(pathId, expectedVersion, path.version());
        }
        PathStep step = PathRules.checkAppend(path, workflowOf(path), body);
        String dataJson = PathEvents.write(step.data());
        PathEvent event = PathEvents.appended(path, step, dataJson, null, now());
        Path after = PathEvents.applyAppended(path, event, step);
        if (!appends.write(new PathRepository.AppendRow(path, after, step, dataJson, events.encode(event)))) {
            long current = paths.version(pathId)
                    .orElseThrow(() -> PathRuleException.notFound("path_id", "no Path " + pathId));
            throw new VersionConflictException(pathId, expectedVersion, current);
        }
        recent.committed(after);
        events.committed();
        return after;
    }

    @Transactional
    public Path edit(String pathId, Long expectedVersion, int position, JsonNode body) {
        return change(pathId, expectedVersion, path -> PathEvents.edited(path,
                PathRules.checkEditBody(path, workflowOf(path), position, body), now()));
    }

    @Transactional
    public Path confirmEnding(String pathId, Long expectedVersion) {
        return change(pathId, expectedVersion, path -> {
            PathRules.checkConfirmEnding(path);
            return PathEvents.endingConfirmed(path, now());
        });
    }

    /** The record_protocol steps that reference a record (by record_id or airalogy_record_id). */
    public List<PathStep> stepsReferencing(Path path, String recordId) {
        return path.steps().stream()
                .filter(s -> s.step() == StepType.RECORD_PROTOCOL)
                .filter(s -> recordId.equals(s.data().path("record_id").asText(null))
                        || recordId.equals(s.data().path("airalogy_record_id").asText(null)))
                .toList();
    }

    @Transactional
    public Path removeRecordReference(String pathId, Long expectedVersion, String recordId) {
        Path path = lock(pathId, expectedVersion);
        List<PathStep> referencing = stepsReferencing(path, recordId);
        if (referencing.isEmpty()) {
            throw PathRuleException.notFound("record_id", "no record_protocol step of Path " + pathId
                    + " references record " + recordId);
        }
        Path current = path;
        for (PathStep s : referencing) {
            PathEvent event = PathEvents.recordReferenceRemoved(current, s.position(), now());
            events.add(event);
            current = PathEvents.apply(current, event);
        }
        paths.save(path, current);
        recent.remember(current);
        return current;
    }

    /** Asks the LLM workers for the AI's next step; the answer is applied when it comes back. */
    @Transactional
    public AiStepRequest requestAiStep(String pathId, Long expectedVersion) {
        Path path = lock(pathId, expectedVersion);
        StepType step = PathRules.checkAiRequest(path);
        Path current = path;
        Optional<AiStepRequest> stale = path.pendingAiRequest();
        if (stale.isPresent()) {
            PathEvent superseded = PathEvents.aiFailed(current, stale.get().requestId(), "superseded: the Path moved "
                    + "on from " + stale.get().forStatus().wire() + " to " + path.status().wire()
                    + " before the answer came", now());
            events.add(superseded);
            current = PathEvents.apply(current, superseded);
        }
        String requestId = UUID.randomUUID().toString();
        // the task first: if the Path event cannot be written, the answer finds no request and is dropped
        String taskId = ai.publish(aiTask(current, step, requestId));
        PathEvent event = PathEvents.aiRequested(current, requestId, taskId, step, now());
        events.add(event);
        Path after = PathEvents.apply(current, event);
        paths.save(path, after);
        recent.remember(after);
        return after.aiRequest(requestId).orElseThrow();
    }

    /** Publishes a pending request's task again (same task id: the worker's answer still applies once). */
    public AiStepRequest resendAiRequest(String pathId, String requestId) {
        Path path = (validUuid(pathId) ? paths.find(pathId) : Optional.<Path>empty())
                .orElseThrow(() -> PathRuleException.notFound("path_id", "no Path " + pathId));
        AiStepRequest request = path.aiRequest(requestId).orElseThrow(() -> PathRuleException.notFound("request_id",
                "Path " + pathId + " has no AI request " + requestId));
        if (request.state() != AiStepRequest.State.PENDING || request.forStatus() != path.status()) {
            throw PathRuleException.conflict("AI request " + requestId + " is " + request.state().wire()
                    + (request.state() == AiStepRequest.State.PENDING ? " for a status the Path moved on from" : "")
                    + ": ask again with POST /paths/" + pathId + "/ai-step");
        }
        ai.publish(aiTask(path, request.step(), requestId));
        return request;
    }

    private AiTaskRequest aiTask(Path path, StepType step, String requestId) {
        ResearchWorkflow workflow = workflowOf(path);
        ObjectNode schema = PathAiPrompts.dataSchema(step, workflow, path.currentProtocolIndex().orElse(null));
        return new AiTaskRequest(TaskOrigins.PATH, requestId, path.id(), workflow.id(), step.wire(),
                PathAiPrompts.SYSTEM_PROMPT, PathAiPrompts.template(step),
                Map.of("workflow", workflow.protocolsInfo().toString(),
                        "path", PathRecords.pathData(path).toString()),
                schema.toString());
    }

    /** Applies the AI's answer once: a redelivered answer finds its request no longer pending. */
    @Transactional
    public void applyAiAnswer(AiAnswer answer) {
        String pathId = answer.aggregateId();
        OptionalLong version = validUuid(pathId) ? paths.lockVersion(pathId) : OptionalLong.empty();
        if (version.isEmpty()) {
            LOG.warnf("AI answer %s for unknown Path %s ignored", answer.taskId(), pathId);
            return;
        }
        Path path = recent.at(pathId, version.getAsLong()).orElseGet(() -> paths.find(pathId).orElseThrow());
        Optional<AiStepRequest> request = path.aiRequest(answer.requestId());
        if (request.isEmpty() || request.get().state() != AiStepRequest.State.PENDING) {
            return; // unknown (its Path event was never written) or already applied: idempotent
        }
        AiStepRequest pending = request.get();
        PathEvent event;
        if (!answer.completed()) {
            event = PathEvents.aiFailed(path, pending.requestId(), "the AI produced no valid " + pending.step().wire()
                    + " (" + answer.outcome().name().toLowerCase(java.util.Locale.ROOT) + "): "
                    + (answer.error() == null ? "no reason given" : answer.error()), now());
        } else if (path.status() != pending.forStatus()) {
            event = PathEvents.aiFailed(path, pending.requestId(), "the Path moved on from "
                    + pending.forStatus().wire() + " to " + path.status().wire() + " before the answer came", now());
        } else {
            event = answerAsStep(path, pending, answer.output());
        }
        events.add(event);
        Path after = PathEvents.apply(path, event);
        paths.save(path, after);
        recent.remember(after);
    }

    private PathEvent answerAsStep(Path path, AiStepRequest pending, String output) {
        try {
            JsonNode data = JSON.readTree(output);
            if (!(data instanceof ObjectNode object)) {
                return PathEvents.aiFailed(path, pending.requestId(), "the AI's answer is not a JSON object", now());
            }
            PathStep step = PathRules.checkAppend(path, workflowOf(path), pending.step(), StepMode.AI, null, object);
            return PathEvents.appended(path, step, pending.requestId(), now());
        } catch (JsonProcessingException e) {
            return PathEvents.aiFailed(path, pending.requestId(), "the AI's answer is not JSON: "
                    + e.getOriginalMessage(), now());
        } catch (PathRuleException e) {
            return PathEvents.aiFailed(path, pending.requestId(), "the AI's step breaks the Path rules: "
                    + e.getMessage(), now());
        }
    }

    private Path change(String pathId, Long expectedVersion, Function<Path, PathEvent> decide) {
        Path path = lock(pathId, expectedVersion);
        PathEvent event = decide.apply(path);
        events.add(event);
        Path after = PathEvents.apply(path, event);
        paths.save(path, after);
        recent.remember(after);
        return after;
    }

    private Path lock(String pathId, Long expectedVersion) {
        OptionalLong version = validUuid(pathId) ? paths.lockVersion(pathId) : OptionalLong.empty();
        if (version.isEmpty()) {
            throw PathRuleException.notFound("path_id", "no Path " + pathId);
        }
        if (expectedVersion != null && version.getAsLong() != expectedVersion) {
            throw new VersionConflictException(pathId, expectedVersion, version.getAsLong());
        }
        return recent.at(pathId, version.getAsLong()).orElseGet(() -> paths.find(pathId).orElseThrow());
    }

    static boolean validUuid(String id) {
        try {
            return id != null && id.length() == 36 && UUID.fromString(id) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
