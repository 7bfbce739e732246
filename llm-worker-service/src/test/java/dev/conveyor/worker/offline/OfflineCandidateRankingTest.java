package dev.conveyor.worker.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.worker.service.ModelRequest;

/** The real ONNX model ranking a review session's candidates, and the offline caller dispatching by origin. */
class OfflineCandidateRankingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELDS = """
            [{"field_name": "cust_region", "verbose_name": null, "description": "Where the customer lives",
              "candidates": [
                {"candidate_id": "c-colour", "text": "Paint colour: the colour of the product's packaging"},
                {"candidate_id": "c-region", "text": "Customer region: the sales region of the customer's address"},
                {"candidate_id": "c-date", "text": "Order date: the day the order was placed"}]},
             {"field_name": "order_total", "verbose_name": "Order total", "description": null,
              "candidates": [{"candidate_id": "only", "text": "Total: gross amount of the order"}]},
             {"field_name": "no_candidates", "candidates": []}]""";

    private static OfflineModelCaller caller;

    @BeforeAll
    static void load() {
        OfflineModel model = new OfflineModel();
        model.warmUp();
        caller = new OfflineModelCaller(model);
    }

    @Test
    void shouldRankCandidatesByMeaningWithConfidencesThatSumToOne() throws Exception {
        JsonNode answer = JSON.readTree(caller.call(request(TaskOrigins.REVIEW_SESSION, "candidate_ranking",
                Map.of("fields", FIELDS))).text());
        JsonNode region = answer.path("fields").get(0);
        assertThat(region.path("field_name").asText()).isEqualTo("cust_region");
        List<String> order = new ArrayList<>();
        double sum = 0;
        double previous = 2;
        for (JsonNode r : region.path("ranking")) {
            order.add(r.path("candidate_id").asText());
            sum += r.path("confidence").asDouble();
            assertThat(r.path("similarity").asDouble()).isBetween(0.0, 1.0).isLessThanOrEqualTo(previous);
            previous = r.path("similarity").asDouble();
        }
        assertThat(order).hasSize(3).first().isEqualTo("c-region");
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
        JsonNode total = answer.path("fields").get(1);
        assertThat(total.path("ranking")).hasSize(1);
        assertThat(total.path("ranking").get(0).path("confidence").asDouble()).isEqualTo(1.0);
        assertThat(answer.path("fields")).as("a field without candidates has nothing to rank").hasSize(2);
    }

    @Test
    void shouldDispatchByOriginNotByTheTasksShape() {
        // a ranking asked by another origin is generation the offline model cannot do
        assertThatThrownBy(() -> caller.call(request(null, "candidate_ranking", Map.of("fields", FIELDS))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("needs a model endpoint");
        // a Path-shaped task that is not a Path's is no Path step either
        assertThatThrownBy(() -> caller.call(request(TaskOrigins.REVIEW_SESSION, "add_next_protocol",
                Map.of("workflow", "[]", "path", "{}"))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("needs a model endpoint");
        // the session's generation tasks say that a model endpoint is needed
        assertThatThrownBy(() -> caller.call(request(TaskOrigins.REVIEW_SESSION, "clarification_questions",
                Map.of("topics", "[]")))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("needs a model endpoint");
    }

    @Test
    void shouldRefuseInputThatIsNotAListOfFields() {
        assertThatThrownBy(() -> caller.call(request(TaskOrigins.REVIEW_SESSION, "candidate_ranking",
                Map.of("fields", "{\"not\": \"a list\"}")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields");
    }

    private static ModelRequest request(String origin, String process, Map<String, String> inputs) {
        List<String> columns = List.copyOf(inputs.keySet());
        ProcessStep step = ProcessStep.newBuilder().setName(process).setColumn(columns.get(0)).setColumns(columns)
                .setType(ProcessType.EXTRACT).setTemplate("{{" + columns.get(0) + "}}").setJsonSchema("{}").build();
        return new ModelRequest("offline", "system", List.of(new ModelRequest.Turn(false, "user")), null, null, "{}",
                step, inputs, origin);
    }
}
