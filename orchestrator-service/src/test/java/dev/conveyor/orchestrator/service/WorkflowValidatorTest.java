package dev.conveyor.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.orchestrator.client.SourceProfile;
import dev.conveyor.orchestrator.rest.CreateWorkflowRequest;
import dev.conveyor.schemas.ProcessStep;

class WorkflowValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Function<String, Optional<SourceProfile>> SOURCES = name -> "S3".equals(name)
            ? Optional.of(new SourceProfile("S3", 3, Map.of("data_column_1", 3L, "data_column_2", 2L)))
            : Optional.empty();

    @Test
    void shouldAcceptTheSeedWorkflowAndKeepTheProcessOrder() throws Exception {
        WorkflowValidator.Validated result = WorkflowValidator.validate(request("S3",
                "{\"summarization\": \"data_column_1\", \"sentiment\": \"data_column_1\"}"), SOURCES);

        assertThat(result.errors()).isEmpty();
        assertThat(result.processes()).extracting(ProcessStep::getName).containsExactly("summarization", "sentiment");
    }

    @Test
    void shouldRejectAnEmptyProcessList() throws Exception {
        assertThat(WorkflowValidator.validate(request("S3", "{}"), SOURCES).errors())
                .containsExactly(new FieldError("processes", "must name at least one process"));
    }

    @Test
    void shouldRejectAColumnThatSomeRowsLack() throws Exception {
        assertThat(WorkflowValidator.validate(request("S3", "{\"sentiment\": \"data_column_2\"}"), SOURCES).errors())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("processes.sentiment");
                    assertThat(e.message()).contains("'data_column_2'").contains("1 of 3 rows");
                });
    }

    @Test
    void shouldRejectAnUnknownColumn() throws Exception {
        assertThat(WorkflowValidator.validate(request("S3", "{\"sentiment\": \"nope\"}"), SOURCES).errors())
                .extracting(FieldError::field).containsExactly("processes.sentiment");
    }

    @Test
    void shouldRejectAnUnknownSource() throws Exception {
        assertThat(WorkflowValidator.validate(request("FTP", "{\"sentiment\": \"data_column_1\"}"), SOURCES).errors())
                .extracting(FieldError::field).containsExactly("source_connection");
    }

    @Test
    void shouldNameEveryOffendingField() throws Exception {
        CreateWorkflowRequest request = new CreateWorkflowRequest(" ", "S3",
                JSON.readTree("{\"sentiment\": 3, \"1bad\": \"data_column_1\"}"), null);

        assertThat(WorkflowValidator.validate(request, SOURCES).errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("workflow_name", "model", "processes.sentiment", "processes.1bad");
    }

    @Test
    void shouldRejectProcessesThatAreNotAnObject() throws Exception {
        assertThat(WorkflowValidator.validate(request("S3", "[\"sentiment\"]"), SOURCES).errors())
                .extracting(FieldError::field).containsExactly("processes");
    }

    private static CreateWorkflowRequest request(String source, String processes) throws Exception {
        JsonNode node = JSON.readTree(processes);
        return new CreateWorkflowRequest("Workflow 1", source, node, "gpt-4");
    }
}
