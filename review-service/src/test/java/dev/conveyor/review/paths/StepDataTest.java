package dev.conveyor.review.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Each step's data: exactly the seed's fields, each checked, the offending one named. */
class StepDataTest {

    private static final ResearchWorkflow WORKFLOW = PathFixtures.workflow();

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(StepType.ADD_RESEARCH_GOAL, "{\"goal\": \"\"}", "data.goal"),
                Arguments.of(StepType.ADD_RESEARCH_GOAL, "{\"goal\": \"g\", \"thought\": \"mine\"}", "data.thought"),
                Arguments.of(StepType.ADD_RESEARCH_GOAL, "{\"goal\": \"g\", \"note\": 1}", "data.note"),
                Arguments.of(StepType.ADD_RESEARCH_STRATEGY, "{\"researchable\": \"yes\", \"strategy\": \"s\"}",
                        "data.researchable"),
                Arguments.of(StepType.ADD_RESEARCH_STRATEGY, "{\"researchable\": true}", "data.strategy"),
                Arguments.of(StepType.ADD_NEXT_PROTOCOL, "{\"protocol_index\": 0}", "data.end_path"),
                Arguments.of(StepType.ADD_NEXT_PROTOCOL, "{\"end_path\": false, \"protocol_index\": 9}",
                        "data.protocol_index"),
                Arguments.of(StepType.ADD_NEXT_PROTOCOL, "{\"end_path\": true, \"protocol_index\": 0}",
                        "data.protocol_index"),
                Arguments.of(StepType.ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL, "{\"values\": []}",
                        "data.values"),
                Arguments.of(StepType.ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
                        "{\"values\": {\"temperature_c\": 999}}", "data.values"),
                Arguments.of(StepType.ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
                        "{\"values\": {\"temperature_c\": 20, \"pressure\": 1}}", "data.values"),
                Arguments.of(StepType.RECORD_PROTOCOL, "{\"protocol_index\": 0, \"record_id\": \"x\", "
                        + "\"record_version\": 1, \"airalogy_record_id\": \"a\"}", "data.record_id"),
                Arguments.of(StepType.RECORD_PROTOCOL, "{\"protocol_index\": 0, \"record_id\": "
                        + "\"01234567-0123-0123-0123-0123456789ab\", \"record_version\": 0, \"airalogy_record_id\": \"a\"}",
                        "data.record_version"),
                Arguments.of(StepType.RECORD_PROTOCOL, "{\"protocol_index\": 0, \"record_id\": "
                        + "\"01234567-0123-0123-0123-0123456789ab\", \"record_version\": 1, \"thought\": null, "
                        + "\"airalogy_record_id\": \"a\"}", "data.thought"),
                Arguments.of(StepType.RECORD_PROTOCOL, "{\"protocol_index\": 1, \"record_id\": "
                        + "\"01234567-0123-0123-0123-0123456789ab\", \"record_version\": 1, \"airalogy_record_id\": \"a\"}",
                        "data.protocol_index"),
                Arguments.of(StepType.ADD_PHASED_RESEARCH_CONCLUSION, "{\"conclusion\": \"c\", \"thought\": null}",
                        "data.thought"),
                Arguments.of(StepType.ADD_FINAL_RESEARCH_CONCLUSION, "{}", "data.conclusion"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformed")
    void shouldNameTheOffendingField(StepType step, String data, String field) {
        assertThatThrownBy(() -> StepData.check(step, (ObjectNode) PathFixtures.json(data), WORKFLOW, 0, true))
                .isInstanceOfSatisfying(PathRuleException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PathRuleException.Kind.INVALID);
                    assertThat(e.violations()).extracting(PathRuleException.Violation::field).containsExactly(field);
                });
    }

    @Test
    void shouldPutTheSeedsFieldsInTheSeedsOrderWithAMissingThoughtAsNull() {
        ObjectNode out = StepData.check(StepType.ADD_NEXT_PROTOCOL,
                (ObjectNode) PathFixtures.json("{\"protocol_index\": 2, \"end_path\": false}"), WORKFLOW, null, true);
        assertThat(out.fieldNames()).toIterable().containsExactly("thought", "end_path", "protocol_index");
        assertThat(out.get("thought").isNull()).isTrue();
    }

    @Test
    void shouldLetTheAiGiveAThoughtAndANotResearchableStrategyWithoutStrategy() {
        ObjectNode out = StepData.check(StepType.ADD_RESEARCH_STRATEGY,
                (ObjectNode) PathFixtures.json("{\"thought\": \"no protocol measures it\", \"researchable\": false}"),
                WORKFLOW, null, false);
        assertThat(out.get("strategy").isNull()).isTrue();
        assertThat(PathRules.statusAfter(StepType.ADD_RESEARCH_STRATEGY, out))
                .isEqualTo(PathStatus.END_AFTER_GENERATING_RESEARCH_STRATEGY);
    }
}
