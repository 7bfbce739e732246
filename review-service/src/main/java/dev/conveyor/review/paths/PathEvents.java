package dev.conveyor.review.paths;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.schemas.PathAiStepFailed;
import dev.conveyor.schemas.PathAiStepRequested;
import dev.conveyor.schemas.PathEndingConfirmed;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.PathRecordReferenceRemoved;
import dev.conveyor.schemas.PathStarted;
import dev.conveyor.schemas.PathStepAppended;
import dev.conveyor.schemas.PathStepEdited;
import dev.conveyor.schemas.WorkflowOfProtocolsRegistered;

/**
 * Makes the events of a Path and folds them into its state. The same fold serves a live write
 * and a rebuild from the topic, so the materialized view is always what the events say.
 */
public final class PathEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PathEvents() {
    }

    public static PathEvent workflowRegistered(String workflowId, String name, ArrayNode protocolsInfo, Instant at) {
        return envelope(workflowId, 1, at, null, new WorkflowOfProtocolsRegistered(name, write(protocolsInfo)));
    }

    public static PathEvent started(String pathId, String workflowId, Instant at) {
        return envelope(pathId, 1, at, PathStatus.WAITING_FOR_RESEARCH_GOAL, new PathStarted(workflowId));
    }

    public static PathEvent appended(Path path, PathStep step, String aiRequestId, Instant at) {
        return appended(path, step, write(step.data()), aiRequestId, at);
    }

    /** As above, with the step's data already serialized ({@code dataJson}), e.g. to store the same text. */
    public static PathEvent appended(Path path, PathStep step, String dataJson, String aiRequestId, Instant at) {
        return envelope(path.id(), path.version() + 1, at, PathRules.statusAfter(step.step(), step.data()),
                new PathStepAppended(step.position(), step.step().wire(), step.pathIndex(), step.mode().wire(),
                        dataJson, aiRequestId));
    }

    /**
     * The state after a person's {@link PathStepAppended} whose step is {@code step}: what
     * {@link #apply} makes of it, without reading the step's data back from the event's JSON.
     */
    public static Path applyAppended(Path path, PathEvent event, PathStep step) {
        if (!(event.getChange() instanceof PathStepAppended appended) || appended.getAiRequestId() != null
                || appended.getPosition() != step.position() || event.getVersion() != path.version() + 1
                || step.position() != path.steps().size()) {
            throw new IllegalStateException("Event " + event.getEventId() + " is not the append of step "
                    + step.position() + " to Path " + path.id() + " at version " + path.version());
        }
        List<PathStep> steps = new ArrayList<>(path.steps().size() + 1);
        steps.addAll(path.steps());
        steps.add(step);
        return new Path(path.id(), path.workflowId(), PathStatus.fromWire(event.getStatusAfter()).orElseThrow(),
                event.getVersion(), steps, path.aiRequests(), path.createdAt(), event.getOccurredAt());
    }

    public static PathEvent edited(Path path, PathRules.Edit edit, Instant at) {
        return envelope(path.id(), path.version() + 1, at, edit.statusAfter(),
                new PathStepEdited(edit.step().position(), write(edit.step().data())));
    }

    public static PathEvent endingConfirmed(Path path, Instant at) {
        return envelope(path.id(), path.version() + 1, at, PathStatus.WAITING_FOR_FINAL_RESEARCH_CONCLUSION,
                new PathEndingConfirmed(path.steps().size() - 1));
    }

    public static PathEvent recordReferenceRemoved(Path path, int position, Instant at) {
        ObjectNode data = path.steps().get(position).data();
        return envelope(path.id(), path.version() + 1, at, path.status(), new PathRecordReferenceRemoved(position,
                textOrNull(data, "record_id"), textOrNull(data, "airalogy_record_id")));
    }

    public static PathEvent aiRequested(Path path, String requestId, String taskId, StepType step, Instant at) {
        return envelope(path.id(), path.version() + 1, at, path.status(),
                new PathAiStepRequested(requestId, taskId, step.wire(), path.status().wire()));
    }

    public static PathEvent aiFailed(Path path, String requestId, String reason, Instant at) {
        return envelope(path.id(), path.version() + 1, at, path.status(), new PathAiStepFailed(requestId, reason));
    }

    /** A new Path from its first event, or the next state of {@code path}. Events out of sequence are refused. */
    public static Path apply(Path path, PathEvent event) {
        Instant at = event.getOccurredAt();
        Object change = event.getChange();
        if (change instanceof PathStarted started) {
            if (path != null) {
                throw new IllegalStateException("Path " + event.getAggregateId() + " started twice");
            }
            return new Path(event.getAggregateId(), started.getWorkflowId(), PathStatus.WAITING_FOR_RESEARCH_GOAL,
                    event.getVersion(), List.of(), List.of(), at, at);
        }
        if (path == null) {
            throw new IllegalStateException("Event " + event.getEventId() + " for unknown Path " + event.getAggregateId());
        }
        if (event.getVersion() != path.version() + 1) {
            throw new IllegalStateException("Event " + event.getEventId() + " has version " + event.getVersion()
                    + " but Path " + path.id() + " is at " + path.version());
        }
        PathStatus status = PathStatus.fromWire(event.getStatusAfter()).orElseThrow();
        List<PathStep> steps = new ArrayList<>(path.steps());
        List<AiStepRequest> requests = new ArrayList<>(path.aiRequests());
        if (change instanceof PathStepAppended appended) {
            steps.add(new PathStep(appended.getPosition(), StepType.fromWire(appended.getStep()).orElseThrow(),
                    appended.getPathIndex(), StepMode.fromWire(appended.getMode()).orElseThrow(),
                    read(appended.getDataJson()), null));
            if (appended.getAiRequestId() != null) {
                replace(requests, appended.getAiRequestId(), r -> r.applied(appended.getPosition(), at));
            }
        } else if (change instanceof PathStepEdited edited) {
            PathStep old = steps.get(edited.getPosition());
            ObjectNode original = old.aiOriginal() != null ? old.aiOriginal()
                    : old.mode() == StepMode.AI ? old.data() : null;
            steps.set(edited.getPosition(), new PathStep(old.position(), old.step(), old.pathIndex(), StepMode.USER,
                    read(edited.getDataJson()), original));
        } else if (change instanceof PathRecordReferenceRemoved removed) {
            PathStep old = steps.get(removed.getPosition());
            ObjectNode data = old.data().deepCopy();
            data.putNull("record_id");
            data.putNull("record_version");
            data.putNull("airalogy_record_id");
            steps.set(removed.getPosition(), new PathStep(old.position(), old.step(), old.pathIndex(), old.mode(),
                    data, old.aiOriginal()));
        } else if (change instanceof PathAiStepRequested requested) {
            requests.add(new AiStepRequest(requested.getRequestId(), requested.getTaskId(),
                    StepType.fromWire(requested.getStep()).orElseThrow(),
                    PathStatus.fromWire(requested.getForStatus()).orElseThrow(), AiStepRequest.State.PENDING, null,
                    null, at, null));
        } else if (change instanceof PathAiStepFailed failed) {
            replace(requests, failed.getRequestId(), r -> r.failed(failed.getReason(), at));
        } else if (!(change instanceof PathEndingConfirmed)) {
            throw new IllegalStateException("Not a Path event: " + change.getClass().getSimpleName());
        }
        return new Path(path.id(), path.workflowId(), status, event.getVersion(), steps, requests, path.createdAt(), at);
    }

    public static ResearchWorkflow workflow(PathEvent event) {
        WorkflowOfProtocolsRegistered registered = (WorkflowOfProtocolsRegistered) event.getChange();
        try {
            return new ResearchWorkflow(event.getAggregateId(), registered.getName(),
                    (ArrayNode) JSON.readTree(registered.getProtocolsInfoJson()), event.getOccurredAt());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable protocols_info in event " + event.getEventId(), e);
        }
    }

    private static void replace(List<AiStepRequest> requests, String requestId,
            java.util.function.UnaryOperator<AiStepRequest> change) {
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).requestId().equals(requestId)) {
                requests.set(i, change.apply(requests.get(i)));
                return;
            }
        }
        throw new IllegalStateException("No AI request " + requestId);
    }

    private static PathEvent envelope(String aggregateId, long version, Instant at, PathStatus statusAfter,
            Object change) {
        return PathEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setAggregateId(aggregateId)
                .setVersion(version)
                .setOccurredAt(at)
                .setStatusAfter(statusAfter == null ? null : statusAfter.wire())
                .setChange(change)
                .build();
    }

    public static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable step data: " + e.getOriginalMessage(), e);
        }
    }

    private static String textOrNull(ObjectNode data, String field) {
        var v = data.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
