package dev.conveyor.worker.offline;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The real ONNX model choosing Path steps offline. */
class OfflinePathStepsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKFLOW = """
            [{"protocol_index": 0, "protocol_id": "bake-bread", "protocol_data": {"markdown":
               "# Baking bread\\nKnead flour, water, yeast and salt into dough, let it rise, and bake it in the oven."}},
             {"protocol_index": 1, "protocol_id": "xrd", "protocol_data": {"markdown":
               "# X-ray diffraction\\nMeasure the crystal structure of a catalyst powder with an X-ray diffractometer."}},
             {"protocol_index": 2, "protocol_id": "reactor-test", "protocol_data": {"markdown":
               "# Catalytic activity\\nTest how fast the catalyst converts CO2 to methanol in a flow reactor."}}]""";

    private static OfflinePathSteps steps;

    @BeforeAll
    static void load() {
        OfflineModel model = new OfflineModel();
        model.warmUp();
        steps = new OfflinePathSteps(model);
    }

    @Test
    void shouldChooseTheProtocolClosestToTheGoalAndThenTheNextNotYetApplied() throws Exception {
        String path = path("Find a catalyst that converts CO2 to methanol faster", "Measure activity", null);
        JsonNode first = JSON.readTree(steps.answer(request("add_next_protocol", path)));
        assertThat(first.get("end_path").asBoolean()).isFalse();
        assertThat(first.get("protocol_index").asInt()).isEqualTo(2);
        assertThat(first.get("thought").asText()).contains("reactor-test");

        String later = path("Find a catalyst that converts CO2 to methanol faster", "Measure activity", 2);
        assertThat(JSON.readTree(steps.answer(request("add_next_protocol", later))).get("protocol_index").asInt())
                .isEqualTo(1);
    }

    @Test
    void shouldEndThePathWhenEveryProtocolWasApplied() throws Exception {
        String path = """
                {"path_status": "waiting_for_next_protocol", "steps": [
                 {"step": "add_research_goal", "data": {"goal": "Better bread"}},
                 {"step": "add_next_protocol", "data": {"end_path": false, "protocol_index": 0}},
                 {"step": "add_next_protocol", "data": {"end_path": false, "protocol_index": 1}},
                 {"step": "add_next_protocol", "data": {"end_path": false, "protocol_index": 2}}]}""";
        JsonNode answer = JSON.readTree(steps.answer(request("add_next_protocol", path)));
        assertThat(answer.get("end_path").asBoolean()).isTrue();
        assertThat(answer.get("protocol_index").isNull()).isTrue();
    }

    @Test
    void shouldDecideResearchableZeroShotFromTheProtocols() throws Exception {
        JsonNode yes = JSON.readTree(steps.answer(request("add_research_strategy",
                path("Improve the methanol yield of a CO2 conversion catalyst", null, null))));
        assertThat(yes.get("researchable").asBoolean()).as(yes.toString()).isTrue();
        assertThat(yes.get("strategy").asText()).contains("reactor-test");

        JsonNode no = JSON.readTree(steps.answer(request("add_research_strategy",
                path("Write a sonnet about a lighthouse keeper's lost love", null, null))));
        assertThat(no.get("researchable").asBoolean()).as(no.toString()).isFalse();
        assertThat(no.get("strategy").isNull()).isTrue();
    }

    @Test
    void shouldServeOnlyPathExtractTasksItCanAnswer() {
        assertThat(OfflinePathSteps.serves(request("add_next_protocol", "{}"))).isTrue();
        assertThat(OfflinePathSteps.serves(request("add_initial_values_for_fields_in_next_protocol", "{}"))).isFalse();
        assertThat(OfflinePathSteps.serves(request("add_phased_research_conclusion", "{}"))).isFalse();
    }

    private static String path(String goal, String strategy, Integer chosen) {
        StringBuilder steps = new StringBuilder("{\"step\": \"add_research_goal\", \"data\": {\"thought\": null, "
                + "\"goal\": \"" + goal + "\"}}");
        if (strategy != null) {
            steps.append(", {\"step\": \"add_research_strategy\", \"data\": {\"researchable\": true, \"strategy\": \"")
                    .append(strategy).append("\"}}");
        }
        if (chosen != null) {
            steps.append(", {\"step\": \"add_next_protocol\", \"data\": {\"end_path\": false, \"protocol_index\": ")
                    .append(chosen).append("}}");
        }
        return "{\"path_status\": \"waiting_for_next_protocol\", \"steps\": [" + steps + "]}";
    }

    private static ModelRequest request(String step, String path) {
        ProcessStep process = ProcessStep.newBuilder().setName(step).setColumn("workflow")
                .setColumns(List.of("workflow", "path")).setType(ProcessType.EXTRACT)
                .setTemplate("{{workflow}} {{path}}").setJsonSchema("{}").build();
        return new ModelRequest("offline", "system", List.of(new ModelRequest.Turn(false, "user")), null, null, "{}",
                process, Map.of("workflow", WORKFLOW, "path", path), TaskOrigins.PATH);
    }
}
