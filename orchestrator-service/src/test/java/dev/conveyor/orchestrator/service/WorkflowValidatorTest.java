package dev.conveyor.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.orchestrator.client.SourceProfile;
import dev.conveyor.orchestrator.rest.CreateWorkflowRequest;
import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessLabel;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;

class WorkflowValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Function<String, Optional<SourceProfile>> SOURCES = name -> "S3".equals(name)
            ? Optional.of(new SourceProfile("S3", 3,
                    Map.of("data_column_1", 3L, "data_column_2", 2L, "data_column_3", 3L)))
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
    void shouldSkipFailedRowsUnlessTheWorkflowSaysToRunThemAnyway() throws Exception {
        JsonNode seed = JSON.readTree("{\"sentiment\": \"data_column_1\"}");
        assertThat(WorkflowValidator.validate(new CreateWorkflowRequest("W", "S3", seed, "gpt-4"), SOURCES)
                .failedRows()).isEqualTo(dev.conveyor.schemas.FailedRowPolicy.SKIP);
        WorkflowValidator.Validated anyway = WorkflowValidator.validate(
                new CreateWorkflowRequest("W", "S3", seed, "gpt-4", JSON.readTree("\"run_anyway\"")), SOURCES);
        assertThat(anyway.errors()).isEmpty();
        assertThat(anyway.failedRows()).isEqualTo(dev.conveyor.schemas.FailedRowPolicy.RUN_ANYWAY);
    }

    @Test
    void shouldNameAnUnknownFailedRowPolicy() throws Exception {
        JsonNode seed = JSON.readTree("{\"sentiment\": \"data_column_1\"}");
        assertThat(WorkflowValidator.validate(
                new CreateWorkflowRequest("W", "S3", seed, "gpt-4", JSON.readTree("\"retry\"")), SOURCES).errors())
                .containsExactly(new FieldError("failed_rows", "must be one of skip, run_anyway"));
    }

    @Test
    void shouldRejectProcessesThatAreNotAnObject() throws Exception {
        assertThat(WorkflowValidator.validate(request("S3", "[\"sentiment\"]"), SOURCES).errors())
                .extracting(FieldError::field).containsExactly("processes");
    }

    @Test
    void shouldExpandTheShortFormToTheBuiltInDefinition() throws Exception {
        WorkflowValidator.Validated result = WorkflowValidator.validate(request("S3",
                "{\"sentiment\": \"data_column_1\", \"keywords\": \"data_column_1\"}"), SOURCES);

        assertThat(result.errors()).isEmpty();
        assertThat(result.processes()).containsExactly(BuiltInProcesses.shortForm("sentiment", "data_column_1"),
                BuiltInProcesses.shortForm("keywords", "data_column_1"));
        assertThat(result.processes().get(0).getType()).isEqualTo(ProcessType.CLASSIFY);
    }

    @Test
    void shouldAcceptAFullClassifyDefinition() throws Exception {
        WorkflowValidator.Validated result = WorkflowValidator.validate(request("S3", """
                {"topic": {"kind": "classify",
                           "template": "Classify the topic of {{ data_column_1 }}, given {{data_column_3}} and {{data_column_1}}",
                           "system_prompt": "You sort news.",
                           "labels": ["Sports", {"name": " Politics ", "description": "government and elections"}],
                           "temperature": 0.2, "max_tokens": 50, "model": "gpt-4o"}}
                """), SOURCES);

        assertThat(result.errors()).isEmpty();
        ProcessStep step = result.processes().get(0);
        assertThat(step.getName()).isEqualTo("topic");
        assertThat(step.getType()).isEqualTo(ProcessType.CLASSIFY);
        assertThat(step.getColumns()).containsExactly("data_column_1", "data_column_3");
        assertThat(step.getColumn()).isEqualTo("data_column_1");
        assertThat(step.getTemplate()).as("placeholders are stored without spaces")
                .isEqualTo("Classify the topic of {{data_column_1}}, given {{data_column_3}} and {{data_column_1}}");
        assertThat(step.getSystemPrompt()).isEqualTo("You sort news.");
        assertThat(step.getLabels()).containsExactly(new ProcessLabel("Sports", null),
                new ProcessLabel("Politics", "government and elections"));
        assertThat(step.getTemperature()).isEqualTo(0.2);
        assertThat(step.getMaxTokens()).isEqualTo(50);
        assertThat(step.getModel()).isEqualTo("gpt-4o");
        assertThat(step.getJsonSchema()).isNull();
    }

    @Test
    void shouldAcceptAnExtractDefinitionAndStoreItsSchemaAsJsonText() throws Exception {
        WorkflowValidator.Validated result = WorkflowValidator.validate(request("S3", """
                {"people": {"kind": "extract", "template": "List the people in {{data_column_1}}",
                            "json_schema": {"type": "object", "required": ["names"],
                                            "properties": {"names": {"type": "array", "items": {"type": "string"}}}}},
                 "old": {"kind": "EXTRACT", "template": "Extract from {{data_column_1}}",
                         "json_schema": {"$schema": "https://json-schema.org/draft-07/schema", "type": "object"}}}
                """), SOURCES);

        assertThat(result.errors()).isEmpty();
        assertThat(JSON.readTree(result.processes().get(0).getJsonSchema()))
                .isEqualTo(JSON.readTree("{\"type\": \"object\", \"required\": [\"names\"], \"properties\":"
                        + " {\"names\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}"));
        assertThat(JSON.readTree(result.processes().get(1).getJsonSchema()).get("$schema").asText())
                .as("the dialect is written as its canonical id").isEqualTo("http://json-schema.org/draft-07/schema#");
        assertThat(result.processes().get(1).getLabels()).isEmpty();
    }

    @Test
    void shouldRejectAPlaceholderNamingAColumnNoRowHas() throws Exception {
        assertThat(errors("""
                {"topic": {"kind": "generate", "template": "Compare {{data_column_1}} with {{data_column_9}}"}}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("processes.topic.template");
                    assertThat(e.message()).contains("{{data_column_9}}").contains("3 of 3 rows");
                });
    }

    @Test
    void shouldRejectAPlaceholderNamingAColumnSomeRowsLack() throws Exception {
        assertThat(errors("""
                {"topic": {"kind": "generate", "template": "Summarize {{data_column_2}}"}}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("processes.topic.template");
                    assertThat(e.message()).contains("{{data_column_2}}").contains("1 of 3 rows");
                });
    }

    @Test
    void shouldRejectATemplateWithoutPlaceholders() throws Exception {
        assertThat(errors("""
                {"topic": {"kind": "generate", "template": "Write a poem"},
                 "blank": {"kind": "generate", "template": "Use {{ }}"},
                 "none": {"kind": "generate"}}
                """)).extracting(FieldError::field).containsExactlyInAnyOrder(
                        "processes.topic.template", "processes.blank.template", "processes.none.template");
    }

    @Test
    void shouldRejectAnEmptyLabelList() throws Exception {
        assertThat(errors("""
                {"topic": {"kind": "classify", "template": "Topic of {{data_column_1}}", "labels": []}}
                """)).containsExactly(new FieldError("processes.topic.labels", "must name at least one label"));
    }

    @Test
    void shouldRejectBlankAndDuplicateLabels() throws Exception {
        assertThat(errors("""
                {"topic": {"kind": "classify", "template": "Topic of {{data_column_1}}",
                           "labels": ["Sports", " ", {"description": "no name"}, "sports", {"name": "X", "colour": 1}]},
                 "nolabels": {"kind": "classify", "template": "Topic of {{data_column_1}}"}}
                """)).extracting(FieldError::field).containsExactlyInAnyOrder("processes.topic.labels[1]",
                        "processes.topic.labels[2].name", "processes.topic.labels[3]",
                        "processes.topic.labels[4].colour", "processes.nolabels.labels");
    }

    @Test
    void shouldRejectAnInvalidJsonSchema() throws Exception {
        assertThat(errors("""
                {"people": {"kind": "extract", "template": "People in {{data_column_1}}", "json_schema": {"type": "nope"}}}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("processes.people.json_schema");
                    assertThat(e.message()).startsWith("is not a valid JSON Schema (draft 2020-12)").contains("type");
                });
    }

    @Test
    void shouldRejectAMissingOrNonObjectOrUnsupportedSchema() throws Exception {
        assertThat(errors("""
                {"a": {"kind": "extract", "template": "{{data_column_1}}"},
                 "b": {"kind": "extract", "template": "{{data_column_1}}", "json_schema": "{\\"type\\": \\"object\\"}"},
                 "c": {"kind": "extract", "template": "{{data_column_1}}",
                       "json_schema": {"$schema": "http://json-schema.org/draft-04/schema#"}},
                 "d": {"kind": "extract", "template": "{{data_column_1}}",
                       "json_schema": {"$schema": "http://json-schema.org/draft-07/schema#", "required": "name"}}}
                """)).extracting(FieldError::field).containsExactly("processes.a.json_schema",
                        "processes.b.json_schema", "processes.c.json_schema", "processes.d.json_schema");
    }

    @Test
    void shouldRejectFieldsThatDoNotBelongToTheKind() throws Exception {
        assertThat(errors("""
                {"summary": {"kind": "generate", "template": "Summarize {{data_column_1}}", "labels": ["A"],
                             "json_schema": {"type": "object"}},
                 "topic": {"kind": "classify", "template": "Topic of {{data_column_1}}", "labels": ["A"],
                           "json_schema": {"type": "object"}}}
                """)).containsExactlyInAnyOrder(
                        new FieldError("processes.summary.labels", "is only for kind classify, not generate"),
                        new FieldError("processes.summary.json_schema", "is only for kind extract, not generate"),
                        new FieldError("processes.topic.json_schema", "is only for kind extract, not classify"));
    }

    @Test
    void shouldRejectAMissingOrUnknownKind() throws Exception {
        assertThat(errors("""
                {"a": {"template": "{{data_column_1}}"}, "b": {"kind": "translate", "template": "{{data_column_1}}"}}
                """)).satisfiesExactlyInAnyOrder(
                        e -> assertThat(e).isEqualTo(new FieldError("processes.a.kind",
                                "is required: classify, generate or extract")),
                        e -> assertThat(e.field()).isEqualTo("processes.b.kind"));
    }

    @Test
    void shouldRejectOutOfRangeOptionsAndUnknownFields() throws Exception {
        assertThat(errors("""
                {"a": {"kind": "generate", "template": "{{data_column_1}}", "temperature": 2.5, "max_tokens": 0,
                       "model": " ", "system_prompt": 3, "temprature": 1},
                 "b": {"kind": "generate", "template": "{{data_column_1}}", "temperature": -0.1,
                       "max_tokens": 100001},
                 "c": {"kind": "generate", "template": "{{data_column_1}}", "temperature": "0.5", "max_tokens": 1.5}}
                """)).extracting(FieldError::field).containsExactlyInAnyOrder("processes.a.temperature",
                        "processes.a.max_tokens", "processes.a.model", "processes.a.system_prompt",
                        "processes.a.temprature", "processes.b.temperature", "processes.b.max_tokens",
                        "processes.c.temperature", "processes.c.max_tokens");
    }

    @Test
    void shouldAcceptTheBoundsOfTheOptions() throws Exception {
        assertThat(errors("""
                {"a": {"kind": "generate", "template": "{{data_column_1}}", "temperature": 0, "max_tokens": 1},
                 "b": {"kind": "generate", "template": "{{data_column_1}}", "temperature": 2, "max_tokens": 100000,
                       "labels": null, "json_schema": null, "model": null}}
                """)).isEmpty();
    }

    @Test
    void shouldNotAskTheCatalogueAboutAnInvalidDefinition() throws Exception {
        Function<String, Optional<SourceProfile>> unreachable = name -> {
            throw new AssertionError("the catalogue must not be asked");
        };

        assertThat(WorkflowValidator.validate(request("S3", "{\"a\": {\"kind\": \"generate\"}}"), unreachable)
                .errors()).extracting(FieldError::field).containsExactly("processes.a.template");
    }

    private static List<FieldError> errors(String processes) throws Exception {
        return WorkflowValidator.validate(request("S3", processes), SOURCES).errors();
    }

    private static CreateWorkflowRequest request(String source, String processes) throws Exception {
        JsonNode node = JSON.readTree(processes);
        return new CreateWorkflowRequest("Workflow 1", source, node, "gpt-4");
    }
}
