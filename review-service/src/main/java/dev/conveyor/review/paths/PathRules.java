package dev.conveyor.review.paths;

import static dev.conveyor.review.paths.PathStatus.COMPLETED;
import static dev.conveyor.review.paths.PathStatus.END_AFTER_GENERATING_RESEARCH_STRATEGY;
import static dev.conveyor.review.paths.PathStatus.END_AFTER_SELECTING_NEXT_PROTOCOL;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_FINAL_RESEARCH_CONCLUSION;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_NEXT_PROTOCOL;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_PHASED_RESEARCH_CONCLUSION;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_RECORD;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_RESEARCH_GOAL;
import static dev.conveyor.review.paths.PathStatus.WAITING_FOR_RESEARCH_STRATEGY;
import static dev.conveyor.review.paths.StepType.ADD_FINAL_RESEARCH_CONCLUSION;
import static dev.conveyor.review.paths.StepType.ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL;
import static dev.conveyor.review.paths.StepType.ADD_NEXT_PROTOCOL;
import static dev.conveyor.review.paths.StepType.ADD_PHASED_RESEARCH_CONCLUSION;
import static dev.conveyor.review.paths.StepType.ADD_RESEARCH_GOAL;
import static dev.conveyor.review.paths.StepType.ADD_RESEARCH_STRATEGY;
import static dev.conveyor.review.paths.StepType.RECORD_PROTOCOL;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The seed's rules for a Path, stricter than the Airalogy platform's: which steps fit which
 * status, the status each step leads to, the path_index each step must carry, and the checks an
 * edit, an ending confirmation and an AI request must pass. Plain Java, no framework.
 */
public final class PathRules {

    /** The steps a person (or the AI) may append at each status; the seed marks only record_protocol as required. */
    private static final Map<PathStatus, List<StepType>> FITTING = new EnumMap<>(Map.of(
            WAITING_FOR_RESEARCH_GOAL, List.of(ADD_RESEARCH_GOAL),
            WAITING_FOR_RESEARCH_STRATEGY, List.of(ADD_RESEARCH_STRATEGY),
            END_AFTER_GENERATING_RESEARCH_STRATEGY, List.of(),
            WAITING_FOR_NEXT_PROTOCOL, List.of(ADD_NEXT_PROTOCOL),
            END_AFTER_SELECTING_NEXT_PROTOCOL, List.of(),
            // initial values may be skipped: the record comes directly
            WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
            List.of(ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL, RECORD_PROTOCOL),
            WAITING_FOR_RECORD, List.of(RECORD_PROTOCOL),
            // a phased conclusion may be skipped: the next protocol comes directly
            WAITING_FOR_PHASED_RESEARCH_CONCLUSION, List.of(ADD_PHASED_RESEARCH_CONCLUSION, ADD_NEXT_PROTOCOL),
            WAITING_FOR_FINAL_RESEARCH_CONCLUSION, List.of(ADD_FINAL_RESEARCH_CONCLUSION),
            COMPLETED, List.of()));

    /** The step the AI fills at each status it can fill (every waiting_for_* but waiting_for_record). */
    private static final Map<PathStatus, StepType> AI_STEP = new EnumMap<>(Map.of(
            WAITING_FOR_RESEARCH_GOAL, ADD_RESEARCH_GOAL,
            WAITING_FOR_RESEARCH_STRATEGY, ADD_RESEARCH_STRATEGY,
            WAITING_FOR_NEXT_PROTOCOL, ADD_NEXT_PROTOCOL,
            WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL, ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
            WAITING_FOR_PHASED_RESEARCH_CONCLUSION, ADD_PHASED_RESEARCH_CONCLUSION,
            WAITING_FOR_FINAL_RESEARCH_CONCLUSION, ADD_FINAL_RESEARCH_CONCLUSION));

    public static final String CONFIRM_ENDING = "confirm_ending";
    public static final String REPLACE_LAST_STEP = "replace_last_step";

    private PathRules() {
    }

    public static List<StepType> stepsThatFit(PathStatus status) {
        return FITTING.get(status);
    }

    /** What else a person can do at a status, besides appending a fitting step. */
    public static List<String> actions(PathStatus status) {
        return status.isEndAfter() ? List.of(CONFIRM_ENDING, REPLACE_LAST_STEP) : List.of();
    }

    public static Optional<StepType> aiStepFor(PathStatus status) {
        return Optional.ofNullable(AI_STEP.get(status));
    }

    /** The status a step leads to, from its kind and data alone. */
    public static PathStatus statusAfter(StepType step, JsonNode data) {
        return switch (step) {
            case ADD_RESEARCH_GOAL -> WAITING_FOR_RESEARCH_STRATEGY;
            case ADD_RESEARCH_STRATEGY -> isFalse(data.get("researchable")) ? END_AFTER_GENERATING_RESEARCH_STRATEGY
                    : WAITING_FOR_NEXT_PROTOCOL;
            case ADD_NEXT_PROTOCOL -> data.path("end_path").asBoolean(false) ? END_AFTER_SELECTING_NEXT_PROTOCOL
                    : WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL;
            case ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL -> WAITING_FOR_RECORD;
            case RECORD_PROTOCOL -> WAITING_FOR_PHASED_RESEARCH_CONCLUSION;
            case ADD_PHASED_RESEARCH_CONCLUSION -> WAITING_FOR_NEXT_PROTOCOL;
            case ADD_FINAL_RESEARCH_CONCLUSION -> COMPLETED;
        };
    }

    /**
     * path_index a new step must carry: 0 for goal and strategy; each add_next_protocol opens the
     * next stage; the other steps share their stage's index (the final conclusion that of the
     * ending add_next_protocol).
     */
    public static int expectedPathIndex(Path path, StepType step) {
        return switch (step) {
            case ADD_RESEARCH_GOAL, ADD_RESEARCH_STRATEGY -> 0;
            case ADD_NEXT_PROTOCOL -> path.currentStageIndex() + 1;
            default -> path.currentStageIndex();
        };
    }

    /** The 409 message for a step that does not fit. */
    public static String doesNotFit(PathStatus status, String what) {
        List<StepType> fit = stepsThatFit(status);
        String fitting = fit.isEmpty() ? "no step fits" : "steps that fit: "
                + fit.stream().map(StepType::wire).collect(Collectors.joining(", "));
        String actions = actions(status).isEmpty() ? "" : "; actions: " + String.join(", ", actions(status));
        return what + " does not fit path_status " + status.wire() + " (" + fitting + actions + ")";
    }

    /**
     * Checks a step to append and returns it as it will be stored (data in the seed's field order,
     * path_index filled in when the request left it out).
     */
    public static PathStep checkAppend(Path path, ResearchWorkflow workflow, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw PathRuleException.invalid("body", "must be a step object with step, path_index, mode and data");
        }
        StepData.rejectUnknown(body, java.util.Set.of("step", "path_index", "mode", "data"), "");
        JsonNode stepNode = body.get("step");
        StepType step = stepNode != null && stepNode.isTextual() ? StepType.fromWire(stepNode.asText()).orElse(null)
                : null;
        if (step == null) {
            throw PathRuleException.invalid("step", "must be one of " + java.util.Arrays.stream(StepType.values())
                    .map(StepType::wire).collect(Collectors.joining(", ")));
        }
        JsonNode modeNode = body.get("mode");
        StepMode mode = modeNode != null && modeNode.isTextual() ? StepMode.fromWire(modeNode.asText()).orElse(null)
                : null;
        if (mode == null) {
            throw PathRuleException.invalid("mode", "must be ai or user");
        }
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            throw PathRuleException.invalid("data", "must be an object");
        }
        JsonNode pathIndex = body.get("path_index");
        if (pathIndex != null && !pathIndex.isNull() && !pathIndex.isIntegralNumber()) {
            throw PathRuleException.invalid("path_index", "must be an integer");
        }
        return checkAppend(path, workflow, step, mode,
                pathIndex == null || pathIndex.isNull() ? null : pathIndex.asInt(), (ObjectNode) data);
    }

    public static PathStep checkAppend(Path path, ResearchWorkflow workflow, StepType step, StepMode mode,
            Integer pathIndex, ObjectNode data) {
        if (!stepsThatFit(path.status()).contains(step)) {
            throw PathRuleException.conflict(doesNotFit(path.status(), step.wire()));
        }
        if (step == RECORD_PROTOCOL && mode != StepMode.USER) {
            throw PathRuleException.invalid("mode", "record_protocol is filled by the person who did the research: "
                    + "mode must be user");
        }
        int expected = expectedPathIndex(path, step);
        if (pathIndex != null && pathIndex != expected) {
            throw PathRuleException.invalid("path_index", "must be " + expected + " for " + step.wire()
                    + " at this point of the Path");
        }
        Optional<Integer> stageProtocol = path.currentProtocolIndex();
        ObjectNode normalized = StepData.check(step, data, workflow, stageProtocol.orElse(null),
                mode == StepMode.USER);
        return new PathStep(path.steps().size(), step, expected, mode, normalized, null);
    }

    /** An edit of the step at {@code position}: the new step and the status the Path will be at. */
    public record Edit(PathStep step, PathStatus statusAfter) {
    }

    public static Edit checkEdit(Path path, ResearchWorkflow workflow, int position, JsonNode data) {
        if (position < 0 || position >= path.steps().size()) {
            throw PathRuleException.notFound("position", "the Path has no step " + position);
        }
        if (data == null || !data.isObject()) {
            throw PathRuleException.invalid("data", "must be an object");
        }
        PathStep old = path.steps().get(position);
        Integer stageProtocol = protocolOfStage(path, position);
        // a person's edit may keep the AI's thought; it is the person's version all the same
        ObjectNode normalized = StepData.check(old.step(), (ObjectNode) data, workflow, stageProtocol, false);
        boolean last = position == path.steps().size() - 1;
        PathStatus before = statusAfter(old.step(), old.data());
        PathStatus after = statusAfter(old.step(), normalized);
        if (before != after && !last) {
            throw PathRuleException.conflict("editing step " + position + " (" + old.step().wire() + ") would change "
                    + "the status that follows it from " + before.wire() + " to " + after.wire()
                    + "; such an edit is allowed only on the last step (" + (path.steps().size() - 1) + ")");
        }
        if (old.step() == ADD_NEXT_PROTOCOL && !last
                && !old.data().get("protocol_index").equals(normalized.get("protocol_index"))) {
            throw PathRuleException.conflict("editing step " + position + " would change the protocol of stage "
                    + old.pathIndex() + ", whose later steps refer to it; only the last step may change it");
        }
        ObjectNode original = old.aiOriginal() != null ? old.aiOriginal()
                : old.mode() == StepMode.AI ? old.data() : null;
        PathStep edited = new PathStep(position, old.step(), old.pathIndex(), StepMode.USER, normalized, original);
        return new Edit(edited, before != after ? after : path.status());
    }

    public static void checkConfirmEnding(Path path) {
        if (!path.status().isEndAfter()) {
            throw PathRuleException.conflict(CONFIRM_ENDING + " fits only end_after_generating_research_strategy or "
                    + "end_after_selecting_next_protocol; " + doesNotFit(path.status(), CONFIRM_ENDING));
        }
    }

    /**
     * The step the AI is asked for, if the Path is at a status the AI can fill and no request for
     * this status is pending (one left from a status the Path moved on from is superseded).
     */
    public static StepType checkAiRequest(Path path) {
        StepType step = aiStepFor(path.status()).orElseThrow(() -> PathRuleException.conflict(
                "the AI cannot fill path_status " + path.status().wire() + " (it fills "
                        + AI_STEP.keySet().stream().map(PathStatus::wire).collect(Collectors.joining(", ")) + ")"));
        path.pendingAiRequest().filter(pending -> pending.forStatus() == path.status()).ifPresent(pending -> {
            throw PathRuleException.conflict("AI request " + pending.requestId() + " for " + pending.step().wire()
                    + " is still pending; re-send it (POST /paths/" + path.id() + "/ai-requests/"
                    + pending.requestId() + "/resend) if its task was lost");
        });
        return step;
    }

    /** protocol_index chosen by the add_next_protocol of the stage that {@code position} belongs to. */
    static Integer protocolOfStage(Path path, int position) {
        for (int i = position; i >= 0; i--) {
            PathStep s = path.steps().get(i);
            if (s.step() == ADD_NEXT_PROTOCOL) {
                JsonNode index = s.data().get("protocol_index");
                return index == null || index.isNull() ? null : index.asInt();
            }
        }
        return null;
    }

    private static boolean isFalse(JsonNode node) {
        return node != null && node.isBoolean() && !node.asBoolean();
    }
}
