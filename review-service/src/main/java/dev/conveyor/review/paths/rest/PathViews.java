package dev.conveyor.review.paths.rest;

import java.util.List;

import jakarta.ws.rs.core.EntityTag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.paths.AiStepRequest;
import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathRules;
import dev.conveyor.review.paths.PathStep;
import dev.conveyor.review.paths.ResearchWorkflow;
import dev.conveyor.review.paths.StepType;

/** JSON shapes of the Path API. */
final class PathViews {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PathViews() {
    }

    private static final ObjectWriter WRITER = new ObjectMapper().writer();

    /** A view as the bytes of its JSON. */
    static byte[] bytes(ObjectNode view) {
        try {
            return WRITER.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a Path view", e);
        }
    }

    static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    /** The version an If-Match names; null when it is {@code *} (any version). */
    static Long expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw PathProblems.preconditionRequired();
        }
        String v = ifMatch.strip();
        if (v.equals("*")) {
            return null;
        }
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw PathProblems.badIfMatch(ifMatch);
        }
    }

    static ObjectNode path(Path path) {
        ObjectNode view = head(path);
        ArrayNode steps = view.putArray("steps");
        path.steps().forEach(s -> steps.add(step(s)));
        return view;
    }

    /** {@link #path} without its steps. */
    static ObjectNode head(Path path) {
        ObjectNode view = summary(path);
        view.set("pending_ai_request", path.pendingAiRequest().map(r -> (Object) aiRequest(path, r))
                .map(ObjectNode.class::cast).orElse(null));
        return view;
    }

    static ObjectNode summary(Path path) {
        ObjectNode view = NODES.objectNode();
        view.put("path_id", path.id());
        view.put("workflow_id", path.workflowId());
        view.put("version", path.version());
        view.put("path_status", path.status().wire());
        ArrayNode next = view.putArray("next_steps");
        PathRules.stepsThatFit(path.status()).forEach(s -> next.add(s.wire()));
        ArrayNode actions = view.putArray("actions");
        PathRules.actions(path.status()).forEach(actions::add);
        view.put("ai_step", PathRules.aiStepFor(path.status()).map(StepType::wire).orElse(null));
        view.put("created_at", path.createdAt().toString());
        view.put("updated_at", path.updatedAt().toString());
        return view;
    }

    static ObjectNode step(PathStep s) {
        ObjectNode step = NODES.objectNode();
        step.put("position", s.position());
        step.put("step", s.step().wire());
        step.put("path_index", s.pathIndex());
        step.put("mode", s.mode().wire());
        step.set("data", s.data());
        if (s.aiOriginal() != null) {
            step.set("ai_original", s.aiOriginal());
        }
        return step;
    }

    static ObjectNode aiRequest(Path path, AiStepRequest r) {
        ObjectNode view = NODES.objectNode();
        view.put("request_id", r.requestId());
        view.put("path_id", path.id());
        view.put("task_id", r.taskId());
        view.put("step", r.step().wire());
        view.put("for_status", r.forStatus().wire());
        view.put("state", r.state().wire());
        view.put("reason", r.reason());
        if (r.position() == null) {
            view.putNull("position");
        } else {
            view.put("position", r.position());
        }
        view.put("requested_at", r.requestedAt().toString());
        view.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        return view;
    }

    static ObjectNode feedback(Path path) {
        ObjectNode view = NODES.objectNode();
        view.put("path_id", path.id());
        ArrayNode items = view.putArray("items");
        for (PathStep s : path.steps()) {
            if (s.aiOriginal() == null) {
                continue;
            }
            ObjectNode pair = items.addObject();
            pair.put("position", s.position());
            pair.put("step", s.step().wire());
            pair.put("path_index", s.pathIndex());
            pair.set("ai", s.aiOriginal());
            pair.set("human", s.data());
        }
        return view;
    }

    static ObjectNode workflow(ResearchWorkflow w) {
        ObjectNode view = NODES.objectNode();
        view.put("workflow_id", w.id());
        view.put("name", w.name());
        view.set("protocols_info", w.protocolsInfo());
        view.put("registered_at", w.registeredAt().toString());
        return view;
    }

    static ObjectNode page(List<ObjectNode> items, int page, int size, long total) {
        ObjectNode view = NODES.objectNode();
        view.putArray("items").addAll(items);
        view.put("page", page);
        view.put("size", size);
        view.put("total", total);
        return view;
    }
}
