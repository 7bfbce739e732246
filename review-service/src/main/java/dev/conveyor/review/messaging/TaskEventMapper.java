package dev.conveyor.review.messaging;

import java.util.UUID;

import org.apache.avro.specific.SpecificRecordBase;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.ResultStatus;
import dev.conveyor.review.Uuids;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;

/** Turns task events into result events, or says why a record cannot become a result row. */
public final class TaskEventMapper {

    /** A decoded record the results table cannot take; the message goes to the dead-letter topic. */
    public static final class UnacceptableEvent extends Exception {
        public UnacceptableEvent(String reason) {
            super(reason);
        }
    }

    private TaskEventMapper() {
    }

    public static ResultEvent toResultEvent(SpecificRecordBase record) throws UnacceptableEvent {
        if (record instanceof TaskIssued issued) {
            return issued(issued);
        }
        if (record instanceof TaskFinished finished) {
            return finished(finished);
        }
        throw new UnacceptableEvent("unexpected event type " + record.getClass().getSimpleName());
    }

    static ResultEvent.Issued issued(TaskIssued e) throws UnacceptableEvent {
        return new ResultEvent.Issued(uuid("task_id", e.getTaskId()), uuid("workflow_id", e.getWorkflowId()),
                uuid("run_id", e.getRunId()), uuid("reference_id", e.getReferenceId()),
                processName(e.getProcessName()), stageIndex(e.getStageIndex()), text(e.getModel()), e.getIssuedAt());
    }

    static ResultEvent.Finished finished(TaskFinished e) throws UnacceptableEvent {
        if (e.getOutcome() == null) {
            throw new UnacceptableEvent("outcome is missing");
        }
        ResultStatus status = switch (e.getOutcome()) {
            case COMPLETED -> ResultStatus.COMPLETED;
            case FAILED -> ResultStatus.FAILED;
        };
        return new ResultEvent.Finished(uuid("task_id", e.getTaskId()), uuid("workflow_id", e.getWorkflowId()),
                uuid("run_id", e.getRunId()), uuid("reference_id", e.getReferenceId()),
                processName(e.getProcessName()), stageIndex(e.getStageIndex()), status,
                status == ResultStatus.COMPLETED ? text(e.getOutput()) : null,
                status == ResultStatus.FAILED ? text(e.getError()) : null,
                text(e.getModel()), e.getPromptTokens(), e.getCompletionTokens(), e.getLatencyMs(), e.getIssuedAt(),
                e.getFinishedAt());
    }

    private static UUID uuid(String field, CharSequence value) throws UnacceptableEvent {
        String text = text(value);
        return Uuids.parse(text).orElseThrow(() -> new UnacceptableEvent(field + " is not a UUID: '" + text + "'"));
    }

    private static String processName(CharSequence value) throws UnacceptableEvent {
        String text = text(value);
        if (text == null || text.isBlank()) {
            throw new UnacceptableEvent("process_name is blank");
        }
        return text;
    }

    private static int stageIndex(int value) throws UnacceptableEvent {
        if (value < 0) {
            throw new UnacceptableEvent("stage_index is negative: " + value);
        }
        return value;
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }
}
