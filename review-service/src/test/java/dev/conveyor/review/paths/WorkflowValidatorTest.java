package dev.conveyor.review.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

class WorkflowValidatorTest {

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("/protocols_info/0/protocol_id", "\"\"", "protocols_info[0].protocol_id"),
                Arguments.of("/protocols_info/1/protocol_version", "null", "protocols_info[1].protocol_version"),
                Arguments.of("/protocols_info/1/protocol_index", "0", "protocols_info[1].protocol_index"),
                Arguments.of("/protocols_info/2/protocol_index", "-1", "protocols_info[2].protocol_index"),
                Arguments.of("/protocols_info/0/airalogy_protocol_id", "5", "protocols_info[0].airalogy_protocol_id"),
                Arguments.of("/protocols_info/0/protocol_data/markdown", "null",
                        "protocols_info[0].protocol_data.markdown"),
                Arguments.of("/protocols_info/0/protocol_data/model", "3", "protocols_info[0].protocol_data.model"),
                Arguments.of("/protocols_info/1/protocol_data/field_json_schema", "{\"type\": 12}",
                        "protocols_info[1].protocol_data.field_json_schema"),
                Arguments.of("/protocols_info/1/protocol_data/field_json_schema", "{\"required\": \"a\"}",
                        "protocols_info[1].protocol_data.field_json_schema"),
                Arguments.of("/protocols_info/1/protocol_data/field_json_schema", "\"object\"",
                        "protocols_info[1].protocol_data.field_json_schema"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("broken")
    void shouldNameEachBrokenField(String pointer, String value, String field) {
        ObjectNode body = (ObjectNode) PathFixtures.json(PathFixtures.WORKFLOW);
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) body.at(pointer.substring(0, slash))).set(pointer.substring(slash + 1), PathFixtures.json(value));
        assertThatThrownBy(() -> WorkflowValidator.validate(body))
                .isInstanceOfSatisfying(PathRuleException.class, e -> assertThat(e.violations())
                        .extracting(PathRuleException.Violation::field).contains(field));
    }

    @Test
    void shouldAcceptTheSeedsShapeAndKeepItsFieldOrder() {
        WorkflowValidator.Validated valid = WorkflowValidator.validate(PathFixtures.json(PathFixtures.WORKFLOW));
        assertThat(valid.name()).isEqualTo("Catalyst screening");
        assertThat(valid.protocolsInfo()).hasSize(3);
        assertThat(valid.protocolsInfo().get(0).fieldNames()).toIterable().containsExactly("protocol_index",
                "protocol_id", "protocol_version", "airalogy_protocol_id", "protocol_data");
        assertThat(valid.protocolsInfo().get(0).get("protocol_data").fieldNames()).toIterable()
                .containsExactly("markdown", "model", "assigner", "field_json_schema");
    }

    @Test
    void shouldRefuseAnEmptyWorkflow() {
        assertThatThrownBy(() -> WorkflowValidator.validate(PathFixtures.json("{\"protocols_info\": []}")))
                .hasMessageContaining("protocols_info");
    }
}
