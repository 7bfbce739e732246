package dev.conveyor.review.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

/** The export against the JSON Schema of the seed's record format kept in schemas. */
class PathRecordsTest {

    private static final String RECORD = "01234567-0123-0123-0123-0123456789ab";

    @Test
    void shouldExportEveryKindOfStepValidAgainstTheRecordSchema() throws Exception {
        Path path = PathRulesTest.build(List.of(PathFixtures.goal(), PathFixtures.strategy("true"),
                PathFixtures.nextProtocol(1, 0), PathFixtures.initialValues(1, "{\"temperature_c\": 25}"),
                PathFixtures.record(1, 0, RECORD), PathFixtures.phased(1), PathFixtures.nextProtocol(2, null)));
        path = PathRulesTest.append(PathRulesTest.confirm(path), PathFixtures.finalConclusion(2));
        ObjectNode record = PathRecords.record(path, PathFixtures.workflow());

        assertThat(schema().validate(record)).isEmpty();
        assertThat(record.fieldNames()).toIterable()
                .containsExactly("airalogy_record_id", "record_id", "version", "metadata", "data");
        JsonNode workflowData = record.get("data").get("workflow").get(PathFixtures.workflow().id());
        assertThat(workflowData.fieldNames()).toIterable().containsExactly("protocols_info", "path_data");
        assertThat(workflowData.get("path_data").fieldNames()).toIterable().containsExactly("path_status", "steps");
        assertThat(workflowData.get("path_data").get("steps").get(0).fieldNames()).toIterable()
                .containsExactly("step", "path_index", "mode", "data");
    }

    @Test
    void shouldStillValidateWithADeletedRecordReferenceAndCatchABrokenExport() throws Exception {
        Path path = PathRulesTest.build(List.of(PathFixtures.goal(), PathFixtures.strategy("true"),
                PathFixtures.nextProtocol(1, 0), PathFixtures.record(1, 0, RECORD)));
        path = PathEvents.apply(path, PathEvents.recordReferenceRemoved(path, 3, Instant.now()));
        ObjectNode record = PathRecords.record(path, PathFixtures.workflow());
        assertThat(schema().validate(record)).isEmpty();

        ObjectNode step = (ObjectNode) record.at("/data/workflow/" + PathFixtures.workflow().id() + "/path_data/steps/2");
        ((ObjectNode) step.get("data")).put("protocol_index", 1).put("end_path", true);
        assertThat(schema().validate(record)).isNotEmpty();
    }

    static JsonSchema schema() throws Exception {
        try (InputStream in = PathRecordsTest.class.getClassLoader()
                .getResourceAsStream("json-schema/path-record.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                    PathFixtures.JSON.readTree(in),
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        }
    }
}
