package dev.conveyor.worker.offline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.worker.service.ModelRequest;

/**
 * Ranks a review session's semantic candidates by meaning, without a model endpoint (issue 7):
 * for each field, the cosine similarity of the field's text (its name in words, its verbose name
 * and its current description) to each candidate's text, clamped to 0..1, and a confidence that
 * is the candidate's share of the field's similarities (they sum to 1, so they compare within the
 * field). Candidates come back most similar first. The task is recognized by its origin
 * ({@link TaskOrigins#REVIEW_SESSION}) and process name; its input {@code fields} is
 * {@code [{"field_name", "verbose_name", "description", "candidates": [{"candidate_id", "text"}]}]}.
 */
public final class OfflineCandidateRanking {

    static final String PROCESS = "candidate_ranking";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OfflineModel model;

    public OfflineCandidateRanking(OfflineModel model) {
        this.model = model;
    }

    public static boolean serves(ModelRequest request) {
        return TaskOrigins.REVIEW_SESSION.equals(request.origin()) && request.process() != null
                && PROCESS.equals(request.process().getName());
    }

    /** {@code {"fields": [{"field_name", "ranking": [{"candidate_id", "similarity", "confidence"}]}]}}. */
    public String answer(ModelRequest request) {
        JsonNode fields = read(request.inputs() == null ? null : request.inputs().get("fields"));
        if (!fields.isArray()) {
            throw new IllegalArgumentException("input 'fields' is not an array of fields with candidates");
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode out = answer.putArray("fields");
        for (JsonNode field : fields) {
            String name = field.path("field_name").asText("");
            String query = String.join(". ", nonBlank(words(name), field.path("verbose_name").asText(""),
                    field.path("description").asText("")));
            List<Scored> scored = new ArrayList<>();
            for (JsonNode c : field.path("candidates")) {
                String text = c.path("text").asText("");
                double similarity = query.isBlank() || text.isBlank() ? 0.0
                        : Math.max(0.0, Math.min(1.0, model.similarity(query, text)));
                scored.add(new Scored(c.path("candidate_id").asText(), similarity));
            }
            if (scored.isEmpty()) {
                continue;
            }
            scored.sort(Comparator.comparingDouble(Scored::similarity).reversed().thenComparing(Scored::id));
            double sum = scored.stream().mapToDouble(Scored::similarity).sum();
            ObjectNode f = out.addObject();
            f.put("field_name", name);
            ArrayNode ranking = f.putArray("ranking");
            for (Scored s : scored) {
                ObjectNode r = ranking.addObject();
                r.put("candidate_id", s.id());
                r.put("similarity", round(s.similarity()));
                r.put("confidence", round(sum == 0.0 ? 1.0 / scored.size() : s.similarity() / sum));
            }
        }
        return answer.toString();
    }

    private record Scored(String id, double similarity) {
    }

    /** {@code cust_region} and {@code custRegion} read as "cust region": closer to how candidates are worded. */
    static String words(String fieldName) {
        return fieldName.replaceAll("[_\\-.]+", " ").replaceAll("([a-z])([A-Z])", "$1 $2").trim()
                .toLowerCase(Locale.ROOT);
    }

    private static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private static List<String> nonBlank(String... parts) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (p != null && !p.isBlank()) {
                out.add(p.strip());
            }
        }
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json == null ? "null" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("input 'fields' is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
