package dev.conveyor.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import dev.conveyor.orchestrator.client.SourceProfile;
import dev.conveyor.orchestrator.rest.CreateWorkflowRequest;
import dev.conveyor.orchestrator.service.WorkflowValidator;
import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;

class ProcessDefinitionTest {

    /** As the service is configured: snake_case names. */
    private static final ObjectMapper API = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final SourceProfile SOURCE = new SourceProfile("S3", 3,
            Map.of("data_column_1", 3L, "data_column_2", 3L));

    @Test
    void shouldShowTheSentimentShortFormAsItsFullDefinition() {
        JsonNode shown = API.valueToTree(ProcessDefinition.of(BuiltInProcesses.shortForm("sentiment", "data_column_1")));

        assertThat(shown.get("kind").asText()).isEqualTo("classify");
        assertThat(shown.get("template").asText()).isEqualTo("Classify the sentiment of {{data_column_1}}.");
        assertThat(shown.get("labels")).hasSize(3);
        assertThat(shown.get("labels").get(0).get("name").asText()).isEqualTo("Positive");
        assertThat(shown.get("labels").get(0).has("description")).isTrue();
        assertThat(shown.get("max_tokens").asInt()).isEqualTo(5);
        assertThat(shown.has("json_schema")).as("only extract has a schema").isFalse();
        assertThat(shown.has("system_prompt")).as("unset options are left out").isFalse();
    }

    @Test
    void shouldShowTheSchemaAsAJsonObject() {
        ProcessStep extract = read("""
                {"kind": "extract", "template": "People in {{data_column_1}}", "model": "gpt-4o",
                 "json_schema": {"type": "object", "properties": {"names": {"type": "array"}}}}
                """);

        JsonNode shown = API.valueToTree(ProcessDefinition.of(extract));

        assertThat(shown.get("json_schema").isObject()).isTrue();
        assertThat(shown.get("json_schema").at("/properties/names/type").asText()).isEqualTo("array");
        assertThat(shown.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(shown.has("labels")).isFalse();
    }

    @Test
    void shouldReadBackWhatItShows() {
        for (ProcessStep step : List.of(BuiltInProcesses.shortForm("sentiment", "data_column_1"),
                BuiltInProcesses.shortForm("summarization", "data_column_2"),
                read("""
                        {"kind": "extract", "template": "{{data_column_2}} vs {{data_column_1}}", "temperature": 0.3,
                         "system_prompt": "Be terse.", "max_tokens": 99,
                         "json_schema": {"type": "object", "required": ["a"]}}
                        """))) {
            ProcessStep again = read(API.valueToTree(ProcessDefinition.of(step)).toString());

            assertThat(again).isEqualTo(ProcessStep.newBuilder(step).setName("p").build());
        }
    }

    /** A definition through the workflow validator, named as the step it was shown from. */
    private static ProcessStep read(String definition) {
        try {
            JsonNode processes = API.readTree("{\"p\": " + definition + "}");
            WorkflowValidator.Validated validated = WorkflowValidator.validate(
                    new CreateWorkflowRequest("W", "S3", processes, "gpt-4"), name -> Optional.of(SOURCE));
            assertThat(validated.errors()).isEmpty();
            return validated.processes().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
