package dev.conveyor.review.paths;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A research Path: one application of a workflow of protocols, step by step. Immutable; each
 * event makes a new one ({@link PathEvents#apply}).
 *
 * @param version number of events applied so far; the ETag of the Path
 */
public record Path(String id, String workflowId, PathStatus status, long version, List<PathStep> steps,
        List<AiStepRequest> aiRequests, Instant createdAt, Instant updatedAt) {

    public Path {
        steps = List.copyOf(steps);
        aiRequests = List.copyOf(aiRequests);
    }

    public Optional<PathStep> lastStep() {
        return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
    }

    public Optional<AiStepRequest> pendingAiRequest() {
        return aiRequests.stream().filter(r -> r.state() == AiStepRequest.State.PENDING).findFirst();
    }

    public Optional<AiStepRequest> aiRequest(String requestId) {
        return aiRequests.stream().filter(r -> r.requestId().equals(requestId)).findFirst();
    }

    /** The path_index of the current stage: that of the last add_next_protocol, 0 before the first. */
    public int currentStageIndex() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).step() == StepType.ADD_NEXT_PROTOCOL) {
                return steps.get(i).pathIndex();
            }
        }
        return 0;
    }

    /** The protocol_index chosen by the current stage's add_next_protocol, if any. */
    public Optional<Integer> currentProtocolIndex() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            PathStep s = steps.get(i);
            if (s.step() == StepType.ADD_NEXT_PROTOCOL) {
                var index = s.data().get("protocol_index");
                return index == null || index.isNull() ? Optional.empty() : Optional.of(index.asInt());
            }
        }
        return Optional.empty();
    }
}
