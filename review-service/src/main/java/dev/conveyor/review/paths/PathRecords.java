package dev.conveyor.review.paths;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Path in the seed's layout: the record ({@code GET /paths/{id}/record}), and its
 * {@code path_data} (also what the AI is shown). Record references are ids only.
 */
public final class PathRecords {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    public static final String AIRALOGY_RECORD_PREFIX = "airalogy.id.record.";

    private PathRecords() {
    }

    public static ObjectNode record(Path path, ResearchWorkflow workflow) {
        ObjectNode record = NODES.objectNode();
        record.put("airalogy_record_id", AIRALOGY_RECORD_PREFIX + path.id() + ".v." + path.version());
        record.put("record_id", path.id());
        record.put("version", path.version());
        ObjectNode metadata = record.putObject("metadata");
        metadata.put("kind", "research_path");
        metadata.put("path_id", path.id());
        metadata.put("workflow_id", workflow.id());
        if (workflow.name() != null) {
            metadata.put("workflow_name", workflow.name());
        }
        metadata.put("created_at", path.createdAt().toString());
        metadata.put("updated_at", path.updatedAt().toString());
        ObjectNode workflowData = record.putObject("data").putObject("workflow").putObject(workflow.id());
        workflowData.set("protocols_info", workflow.protocolsInfo().deepCopy());
        workflowData.set("path_data", pathData(path));
        return record;
    }

    public static ObjectNode pathData(Path path) {
        ObjectNode pathData = NODES.objectNode();
        pathData.put("path_status", path.status().wire());
        ArrayNode steps = pathData.putArray("steps");
        path.steps().forEach(s -> steps.add(step(s)));
        return pathData;
    }

    public static ObjectNode step(PathStep s) {
        ObjectNode step = NODES.objectNode();
        step.put("step", s.step().wire());
        step.put("path_index", s.pathIndex());
        step.put("mode", s.mode().wire());
        step.set("data", s.data().deepCopy());
        return step;
    }
}
