package dev.conveyor.review.messaging;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecordBase;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.ResultStatus;
import dev.conveyor.review.Uuids;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;

/** Turns task events into result events, or says why a record cannot become a result row. */
public final class TaskEventMapper {

    /** results.cost_usd is numeric(14, 6): 6 decimals, under 10^8 dollars. */
    static final int COST_SCALE = 6;
    private static final BigDecimal COST_LIMIT = BigDecimal.TEN.pow(8);

    /** A decoded record the results table cannot take; the message goes to the dead-letter topic. */
    public static final class UnacceptableEvent extends Exception {
        public UnacceptableEvent(String reason) {
            super(reason);
        }
    }

    private TaskEventMapper() {
    }

    /** Tasks other aggregates asked for (they carry an origin) are not rows of the Result table. */
    public static boolean fromWorkflowRun(SpecificRecordBase record) {
        if (record instanceof TaskIssued issued) {
            return TaskOrigins.fromWorkflowRun(issued);
        }
        if (record instanceof TaskFinished finished) {
            return TaskOrigins.fromWorkflowRun(finished);
        }
        return true;
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
            case SKIPPED -> ResultStatus.SKIPPED;
        };
        // a Failed result keeps the raw answer validation rejected; a Skipped one never had an answer
        String result = status == ResultStatus.SKIPPED ? null : text(e.getOutput());
        String error = status == ResultStatus.COMPLETED ? null : text(e.getError());
        return new ResultEvent.Finished(uuid("task_id", e.getTaskId()), uuid("workflow_id", e.getWorkflowId()),
                uuid("run_id", e.getRunId()), uuid("reference_id", e.getReferenceId()),
                processName(e.getProcessName()), stageIndex(e.getStageIndex()), status, result, error,
                text(e.getModel()), count("prompt_tokens", e.getPromptTokens()),
                count("completion_tokens", e.getCompletionTokens()), e.getLatencyMs(), cost(e.getCostUsd()),
                e.getCached(), count("attempts", e.getAttempts()), e.getIssuedAt(), e.getFinishedAt());
    }

    /**
     * The event's cost at the table's scale. A value the column cannot hold is refused here: it
     * would otherwise fail the batch's transaction on every retry.
     */
    static BigDecimal cost(double costUsd) throws UnacceptableEvent {
        if (!Double.isFinite(costUsd) || costUsd < 0) {
            throw new UnacceptableEvent("cost_usd must be a finite number >= 0, got " + costUsd);
        }
        BigDecimal cost = BigDecimal.valueOf(costUsd).setScale(COST_SCALE, RoundingMode.HALF_UP);
        if (cost.compareTo(COST_LIMIT) >= 0) {
            throw new UnacceptableEvent("cost_usd must be under " + COST_LIMIT.toPlainString() + ", got " + costUsd);
        }
        return cost;
    }

    private static int count(String field, int value) throws UnacceptableEvent {
        if (value < 0) {
            throw new UnacceptableEvent(field + " is negative: " + value);
        }
        return value;
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
