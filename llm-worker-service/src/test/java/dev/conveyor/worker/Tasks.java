package dev.conveyor.worker;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.TaskIds;

/** Tasks for unit tests. */
public final class Tasks {

    private Tasks() {
    }

    public static TaskIssued task(String process, Map<String, String> inputs, String model) {
        String runId = UUID.randomUUID().toString();
        String referenceId = UUID.randomUUID().toString();
        return TaskIssued.newBuilder()
                .setTaskId(TaskIds.taskId(runId, process, referenceId))
                .setRunId(runId)
                .setWorkflowId(UUID.randomUUID().toString())
                .setReferenceId(referenceId)
                .setSourceConnection("S3")
                .setProcessName(process)
                .setStageIndex(1)
                .setInputs(inputs)
                .setModel(model)
                .setIssuedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }
}
