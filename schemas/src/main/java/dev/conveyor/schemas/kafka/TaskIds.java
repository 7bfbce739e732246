package dev.conveyor.schemas.kafka;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The id of a task, and so of its result, derived from what the task is: a redelivered or
 * re-emitted task keeps its id, which makes every write downstream idempotent.
 */
public final class TaskIds {

    private TaskIds() {
    }

    public static String taskId(String runId, String processName, String referenceId) {
        String name = runId + '\u0000' + processName + '\u0000' + referenceId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
