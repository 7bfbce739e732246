package dev.conveyor.review.paths;

import static dev.conveyor.review.paths.PathStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.schemas.PathEvent;

/** The seed's status machine, table-driven, without Quarkus, Kafka or a database. */
class PathRulesTest {

    private static final ResearchWorkflow WORKFLOW = PathFixtures.workflow();
    private static final String RECORD = "01234567-0123-0123-0123-0123456789ab";

    /** Step kinds, as the request names them, with data that moves the Path. */
    static Stream<Arguments> transitions() {
        return Stream.of(
                Arguments.of(List.of(), PathFixtures.goal(), WAITING_FOR_RESEARCH_STRATEGY),
                Arguments.of(List.of(PathFixtures.goal()), PathFixtures.strategy("true"), WAITING_FOR_NEXT_PROTOCOL),
                Arguments.of(List.of(PathFixtures.goal()), PathFixtures.strategy("null"), WAITING_FOR_NEXT_PROTOCOL),
                Arguments.of(List.of(PathFixtures.goal()), PathFixtures.step("add_research_strategy", 0, "user",
                        "{\"researchable\": false}"), END_AFTER_GENERATING_RESEARCH_STRATEGY),
                Arguments.of(upToNext(), PathFixtures.nextProtocol(1, 0),
                        WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL),
                Arguments.of(upToNext(), PathFixtures.nextProtocol(1, null), END_AFTER_SELECTING_NEXT_PROTOCOL),
                Arguments.of(upToValues(), PathFixtures.initialValues(1, "{\"temperature_c\": 25}"), WAITING_FOR_RECORD),
                Arguments.of(upToValues(), PathFixtures.record(1, 0, RECORD), WAITING_FOR_PHASED_RESEARCH_CONCLUSION),
                Arguments.of(upToPhased(), PathFixtures.phased(1), WAITING_FOR_NEXT_PROTOCOL),
                Arguments.of(upToPhased(), PathFixtures.nextProtocol(2, 1),
                        WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL),
                Arguments.of(upToPhased(), PathFixtures.nextProtocol(2, null), END_AFTER_SELECTING_NEXT_PROTOCOL));
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @MethodSource("transitions")
    void shouldMoveToTheStatusTheSeedGives(List<JsonNode> before, JsonNode step, PathStatus expected) {
        Path path = build(before);
        PathStep checked = PathRules.checkAppend(path, WORKFLOW, step);
        Path after = PathEvents.apply(path, PathEvents.appended(path, checked, null, Instant.now()));
        assertThat(after.status()).isEqualTo(expected);
        assertThat(after.version()).isEqualTo(path.version() + 1);
    }

    /** The one-statement append keeps the state it decided on instead of folding the event: they must agree. */
    @ParameterizedTest(name = "{1} -> {2}")
    @MethodSource("transitions")
    void shouldMakeTheSameStateAsTheFoldWhenApplyingAnAppendDirectly(List<JsonNode> before, JsonNode step,
            PathStatus expected) {
        Path path = build(before);
        PathStep checked = PathRules.checkAppend(path, WORKFLOW, step);
        PathEvent event = PathEvents.appended(path, checked, PathEvents.write(checked.data()), null, Instant.now());
        Path direct = PathEvents.applyAppended(path, event, checked);
        assertThat(direct).isEqualTo(PathEvents.apply(path, event));
        assertThat(direct.status()).isEqualTo(expected);
        assertThatThrownBy(() -> PathEvents.applyAppended(direct, event, checked))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Every (status, step) pair outside the table is refused with 409 naming the status and the fitting steps. */
    static Stream<Arguments> refusals() {
        List<Arguments> all = new ArrayList<>();
        for (PathStatus status : PathStatus.values()) {
            for (StepType step : StepType.values()) {
                if (!PathRules.stepsThatFit(status).contains(step)) {
                    all.add(Arguments.of(status, step));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("refusals")
    void shouldRefuseAStepThatDoesNotFit(PathStatus status, StepType step) {
        Path path = new Path(UUID.randomUUID().toString(), WORKFLOW.id(), status, 5, List.of(), List.of(),
                Instant.now(), Instant.now());
        assertThatThrownBy(() -> PathRules.checkAppend(path, WORKFLOW, step, StepMode.USER, null,
                PathFixtures.JSON.createObjectNode()))
                .isInstanceOfSatisfying(PathRuleException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PathRuleException.Kind.CONFLICT);
                    assertThat(e.getMessage()).contains(status.wire());
                    PathRules.stepsThatFit(status).forEach(fit -> assertThat(e.getMessage()).contains(fit.wire()));
                    PathRules.actions(status).forEach(action -> assertThat(e.getMessage()).contains(action));
                });
    }

    @Test
    void shouldLetOnlyRecordProtocolBeRequiredInAStage() {
        assertThat(PathRules.stepsThatFit(WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL))
                .containsExactlyInAnyOrder(StepType.ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
                        StepType.RECORD_PROTOCOL);
        assertThat(PathRules.stepsThatFit(WAITING_FOR_RECORD)).containsExactly(StepType.RECORD_PROTOCOL);
        assertThat(PathRules.stepsThatFit(WAITING_FOR_PHASED_RESEARCH_CONCLUSION))
                .containsExactlyInAnyOrder(StepType.ADD_PHASED_RESEARCH_CONCLUSION, StepType.ADD_NEXT_PROTOCOL);
        assertThat(PathRules.stepsThatFit(END_AFTER_GENERATING_RESEARCH_STRATEGY)).isEmpty();
        assertThat(PathRules.stepsThatFit(END_AFTER_SELECTING_NEXT_PROTOCOL)).isEmpty();
        assertThat(PathRules.stepsThatFit(COMPLETED)).isEmpty();
    }

    @Test
    void shouldLetTheAiFillEveryWaitingStatusButTheRecord() {
        Set<PathStatus> fillable = EnumSet.noneOf(PathStatus.class);
        for (PathStatus s : PathStatus.values()) {
            PathRules.aiStepFor(s).ifPresent(step -> fillable.add(s));
        }
        assertThat(fillable).containsExactlyInAnyOrder(WAITING_FOR_RESEARCH_GOAL, WAITING_FOR_RESEARCH_STRATEGY,
                WAITING_FOR_NEXT_PROTOCOL, WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
                WAITING_FOR_PHASED_RESEARCH_CONCLUSION, WAITING_FOR_FINAL_RESEARCH_CONCLUSION);
    }

    @Test
    void shouldGiveEachAddNextProtocolTheNextIndexAndTheFinalConclusionTheEndingOne() {
        Path path = build(List.of(PathFixtures.goal(), PathFixtures.strategy("true"), PathFixtures.nextProtocol(1, 0),
                PathFixtures.record(1, 0, RECORD), PathFixtures.nextProtocol(2, 2),
                PathFixtures.initialValues(2, "{\"flow_ml_min\": 3}"), PathFixtures.record(2, 2, RECORD),
                PathFixtures.phased(2), PathFixtures.nextProtocol(3, null)));
        path = confirm(path);
        assertThat(path.status()).isEqualTo(WAITING_FOR_FINAL_RESEARCH_CONCLUSION);
        assertThat(PathRules.expectedPathIndex(path, StepType.ADD_FINAL_RESEARCH_CONCLUSION)).isEqualTo(3);
        assertThatThrownBy(() -> PathRules.checkAppend(build(List.of()), WORKFLOW,
                PathFixtures.step("add_research_goal", 1, "user", "{\"goal\": \"g\"}")))
                .hasMessageContaining("path_index");
        Path done = append(path, PathFixtures.finalConclusion(3));
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(done.steps().stream().map(PathStep::pathIndex).toList())
                .containsExactly(0, 0, 1, 1, 2, 2, 2, 2, 3, 3);
    }

    @Test
    void shouldConfirmAnEndingOnlyAtAnEndAfterStatus() {
        for (PathStatus s : PathStatus.values()) {
            Path path = new Path(UUID.randomUUID().toString(), WORKFLOW.id(), s, 3, List.of(), List.of(),
                    Instant.now(), Instant.now());
            if (s.isEndAfter()) {
                PathRules.checkConfirmEnding(path);
            } else {
                assertThatThrownBy(() -> PathRules.checkConfirmEnding(path)).isInstanceOf(PathRuleException.class)
                        .hasMessageContaining(s.wire());
            }
        }
    }

    @Test
    void shouldReplaceAnAiEndingWithThePersonsStepAndKeepTheAiOriginal() {
        Path path = build(List.of(PathFixtures.goal(), PathFixtures.strategy("true"),
                PathFixtures.step("add_next_protocol", 1, "ai",
                        "{\"thought\": \"done\", \"end_path\": true, \"protocol_index\": null}")));
        assertThat(path.status()).isEqualTo(END_AFTER_SELECTING_NEXT_PROTOCOL);
        PathRules.Edit edit = PathRules.checkEdit(path, WORKFLOW, 2,
                PathFixtures.json("{\"thought\": null, \"end_path\": false, \"protocol_index\": 1}"));
        assertThat(edit.statusAfter()).isEqualTo(WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL);
        Path after = PathEvents.apply(path, PathEvents.edited(path, edit, Instant.now()));
        assertThat(after.steps().get(2).mode()).isEqualTo(StepMode.USER);
        assertThat(after.steps().get(2).aiOriginal().get("end_path").asBoolean()).isTrue();
        assertThat(after.status()).isEqualTo(WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL);
    }

    @Test
    void shouldRefuseAStatusChangingEditBeforeTheLastStepAndAllowANeutralOne() {
        Path path = build(upToValues());
        assertThatThrownBy(() -> PathRules.checkEdit(path, WORKFLOW, 1,
                PathFixtures.json("{\"researchable\": false, \"strategy\": null}")))
                .isInstanceOfSatisfying(PathRuleException.class,
                        e -> assertThat(e.kind()).isEqualTo(PathRuleException.Kind.CONFLICT));
        // the stage's protocol may change on the last step only: later steps of the stage refer to it
        assertThat(PathRules.checkEdit(path, WORKFLOW, 2,
                PathFixtures.json("{\"end_path\": false, \"protocol_index\": 2}")).step().data()
                .get("protocol_index").asInt()).isEqualTo(2);
        Path recorded = build(upToPhased());
        assertThatThrownBy(() -> PathRules.checkEdit(recorded, WORKFLOW, 2,
                PathFixtures.json("{\"end_path\": false, \"protocol_index\": 2}")))
                .isInstanceOf(PathRuleException.class).hasMessageContaining("stage 1");
        PathRules.Edit neutral = PathRules.checkEdit(path, WORKFLOW, 1,
                PathFixtures.json("{\"researchable\": true, \"strategy\": \"another\"}"));
        assertThat(neutral.statusAfter()).isEqualTo(path.status());
        assertThatThrownBy(() -> PathRules.checkEdit(path, WORKFLOW, 9, PathFixtures.json("{}")))
                .isInstanceOfSatisfying(PathRuleException.class,
                        e -> assertThat(e.kind()).isEqualTo(PathRuleException.Kind.NOT_FOUND));
    }

    @Test
    void shouldRefuseASecondAiRequestWhileOneIsPending() {
        Path path = build(List.of(PathFixtures.goal()));
        assertThat(PathRules.checkAiRequest(path)).isEqualTo(StepType.ADD_RESEARCH_STRATEGY);
        PathEvent requested = PathEvents.aiRequested(path, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                StepType.ADD_RESEARCH_STRATEGY, Instant.now());
        Path pending = PathEvents.apply(path, requested);
        assertThatThrownBy(() -> PathRules.checkAiRequest(pending)).hasMessageContaining("pending")
                .hasMessageContaining("resend");
        // a person took the step meanwhile: the pending request is stale and no longer blocks the next one
        Path movedOn = append(pending, PathFixtures.strategy("true"));
        assertThat(movedOn.pendingAiRequest()).isPresent();
        assertThat(PathRules.checkAiRequest(movedOn)).isEqualTo(StepType.ADD_NEXT_PROTOCOL);
    }

    static List<JsonNode> upToNext() {
        return List.of(PathFixtures.goal(), PathFixtures.strategy("true"));
    }

    static List<JsonNode> upToValues() {
        return List.of(PathFixtures.goal(), PathFixtures.strategy("true"), PathFixtures.nextProtocol(1, 0));
    }

    static List<JsonNode> upToPhased() {
        return List.of(PathFixtures.goal(), PathFixtures.strategy("true"), PathFixtures.nextProtocol(1, 0),
                PathFixtures.record(1, 0, RECORD));
    }

    static Path build(List<JsonNode> steps) {
        Path path = PathEvents.apply(null, PathEvents.started(UUID.randomUUID().toString(), WORKFLOW.id(),
                Instant.now()));
        for (JsonNode s : steps) {
            path = append(path, s);
        }
        return path;
    }

    static Path append(Path path, JsonNode step) {
        PathStep checked = PathRules.checkAppend(path, WORKFLOW, step);
        return PathEvents.apply(path, PathEvents.appended(path, checked, null, Instant.now()));
    }

    static Path confirm(Path path) {
        PathRules.checkConfirmEnding(path);
        return PathEvents.apply(path, PathEvents.endingConfirmed(path, Instant.now()));
    }
}
