package dev.conveyor.worker.offline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.worker.service.ModelRequest;

/**
 * The research Path steps (issue 6) the offline model can take without a model endpoint, by
 * embedding similarity: {@code add_next_protocol} picks the protocol not yet applied whose
 * markdown is closest to the goal, strategy and latest conclusion (and ends the Path when every
 * protocol was applied); {@code add_research_strategy} decides {@code researchable} zero-shot (is
 * any protocol close enough to the goal) and, when it is, lists the protocols by relevance as the
 * strategy. Every other Path step still needs a model endpoint.
 *
 * <p>A Path task is recognized by its origin ({@link TaskOrigins#PATH}) and step name; its inputs
 * are {@code workflow} (protocols_info) and {@code path} (path_data), as review-service sends them.
 */
public final class OfflinePathSteps {

    static final String NEXT_PROTOCOL = "add_next_protocol";
    static final String RESEARCH_STRATEGY = "add_research_strategy";
    /** Cosine similarity of all-MiniLM-L6-v2 above which a protocol is taken to bear on the goal. */
    static final double RELEVANT = 0.25;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OfflineModel model;

    public OfflinePathSteps(OfflineModel model) {
        this.model = model;
    }

    public static boolean serves(ModelRequest request) {
        var process = request.process();
        return TaskOrigins.PATH.equals(request.origin()) && process != null
                && (NEXT_PROTOCOL.equals(process.getName()) || RESEARCH_STRATEGY.equals(process.getName()));
    }

    /** The step's data as JSON. */
    public String answer(ModelRequest request) {
        if (request.inputs() == null || !request.inputs().containsKey("workflow")
                || !request.inputs().containsKey("path")) {
            throw new IllegalArgumentException("a Path step needs the inputs 'workflow' and 'path'");
        }
        JsonNode protocols = read(request.inputs().get("workflow"), "workflow");
        JsonNode pathData = read(request.inputs().get("path"), "path");
        if (!protocols.isArray() || protocols.isEmpty()) {
            throw new IllegalArgumentException("input 'workflow' is not a non-empty protocols_info array");
        }
        String goal = latest(pathData, "add_research_goal", "goal");
        if (goal == null || goal.isBlank()) {
            throw new IllegalArgumentException("the Path has no research goal yet");
        }
        return NEXT_PROTOCOL.equals(request.process().getName()) ? nextProtocol(protocols, pathData, goal)
                : strategy(protocols, goal);
    }

    private String nextProtocol(JsonNode protocols, JsonNode pathData, String goal) {
        Set<Integer> applied = new HashSet<>();
        for (JsonNode step : pathData.path("steps")) {
            JsonNode index = step.path("data").path("protocol_index");
            if (NEXT_PROTOCOL.equals(step.path("step").asText()) && index.isIntegralNumber()) {
                applied.add(index.asInt());
            }
        }
        String query = String.join(" ", nonNull(goal, latest(pathData, RESEARCH_STRATEGY, "strategy"),
                latest(pathData, "add_phased_research_conclusion", "conclusion")));
        List<Scored> candidates = score(protocols, query).stream().filter(s -> !applied.contains(s.index())).toList();
        ObjectNode data = JSON.createObjectNode();
        if (candidates.isEmpty()) {
            data.put("thought", "offline model: every protocol of the workflow (" + applied.size()
                    + ") has been applied, so the Path ends");
            data.put("end_path", true);
            data.putNull("protocol_index");
        } else {
            Scored best = candidates.get(0);
            data.put("thought", "offline model: similarity of the goal, strategy and latest conclusion to the "
                    + "markdown of each protocol not yet applied: " + describe(candidates) + "; the closest is "
                    + best.id() + " (protocol_index " + best.index() + ")");
            data.put("end_path", false);
            data.put("protocol_index", best.index());
        }
        return data.toString();
    }

    private String strategy(JsonNode protocols, String goal) {
        List<Scored> scored = score(protocols, goal);
        boolean researchable = scored.get(0).score() >= RELEVANT;
        ObjectNode data = JSON.createObjectNode();
        data.put("thought", "offline model, zero-shot: similarity of the goal to each protocol's markdown: "
                + describe(scored) + "; " + (researchable ? "the closest reaches" : "none reaches") + " "
                + String.format(Locale.ROOT, "%.2f", RELEVANT) + ", so the goal is "
                + (researchable ? "researchable" : "not researchable") + " with this workflow");
        data.put("researchable", researchable);
        if (researchable) {
            data.put("strategy", "Apply the protocols in order of relevance to the goal: " + scored.stream()
                    .filter(s -> s.score() >= RELEVANT)
                    .map(s -> s.id() + " (protocol_index " + s.index() + ")").collect(Collectors.joining(", "))
                    + ".");
        } else {
            data.putNull("strategy");
        }
        return data.toString();
    }

    private record Scored(int index, String id, double score) {
    }

    private List<Scored> score(JsonNode protocols, String query) {
        List<Scored> scored = new ArrayList<>();
        for (JsonNode p : protocols) {
            String markdown = p.path("protocol_data").path("markdown").asText("");
            String text = markdown.isBlank() ? p.path("protocol_id").asText() : markdown;
            scored.add(new Scored(p.path("protocol_index").asInt(), p.path("protocol_id").asText(),
                    model.similarity(query, text)));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingInt(Scored::index));
        return scored;
    }

    private static String describe(List<Scored> scored) {
        return scored.stream().map(s -> String.format(Locale.ROOT, "%s %.2f", s.id(), s.score()))
                .collect(Collectors.joining(", "));
    }

    private static String latest(JsonNode pathData, String step, String field) {
        String found = null;
        for (JsonNode s : pathData.path("steps")) {
            if (step.equals(s.path("step").asText()) && s.path("data").path(field).isTextual()) {
                found = s.path("data").path(field).asText();
            }
        }
        return found;
    }

    private static List<String> nonNull(String... parts) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (p != null && !p.isBlank()) {
                out.add(p);
            }
        }
        return out;
    }

    private static JsonNode read(String json, String input) {
        try {
            return JSON.readTree(json == null ? "null" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("input '" + input + "' is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
