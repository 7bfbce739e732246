package dev.conveyor.review.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.conveyor.review.ResultStatus;

/** A row of {@code results}: the outcome of one task (one process over one row of one run). */
@Entity
@Table(name = "results")
public class ResultEntity {

    @Id
    @Column(name = "result_id")
    private UUID resultId;

    @Column(name = "workflow_id", nullable = false)
    private UUID workflowId;

    @Column(name = "run_id", nullable = false)
    private UUID runId;

    @Column(name = "reference_id", nullable = false)
    private UUID referenceId;

    @Column(name = "process_name", nullable = false)
    private String processName;

    @Column(name = "stage_index", nullable = false)
    private int stageIndex;

    @Column(name = "result")
    private String result;

    @Convert(converter = ResultStatusConverter.class)
    @Column(name = "status", nullable = false)
    private ResultStatus status;

    @Column(name = "error")
    private String error;

    @Column(name = "model")
    private String model;

    @Column(name = "prompt_tokens")
    private Integer promptTokens;

    @Column(name = "completion_tokens")
    private Integer completionTokens;

    @Column(name = "latency_ms")
    private Long latencyMs;

    @Column(name = "cost_usd", nullable = false, precision = 14, scale = 6)
    private BigDecimal costUsd = BigDecimal.ZERO.setScale(6);

    /** Answered by the worker's response cache, without a paid call. */
    @Column(name = "cached", nullable = false)
    private boolean cached;

    /** Model calls the worker made for this task; 0 while Pending and for Skipped or cached results. */
    @Column(name = "attempts", nullable = false)
    private int attempts;

    @Column(name = "issued_at", nullable = false)
    private Instant issuedAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected ResultEntity() {
        // for Hibernate
    }

    public UUID getResultId() {
        return resultId;
    }

    public UUID getWorkflowId() {
        return workflowId;
    }

    public UUID getRunId() {
        return runId;
    }

    public UUID getReferenceId() {
        return referenceId;
    }

    public String getProcessName() {
        return processName;
    }

    public int getStageIndex() {
        return stageIndex;
    }

    public String getResult() {
        return result;
    }

    public ResultStatus getStatus() {
        return status;
    }

    public String getError() {
        return error;
    }

    public String getModel() {
        return model;
    }

    public Integer getPromptTokens() {
        return promptTokens;
    }

    public Integer getCompletionTokens() {
        return completionTokens;
    }

    public Long getLatencyMs() {
        return latencyMs;
    }

    public BigDecimal getCostUsd() {
        return costUsd;
    }

    public boolean isCached() {
        return cached;
    }

    public int getAttempts() {
        return attempts;
    }

    public Instant getIssuedAt() {
        return issuedAt;
    }

    public Instant getCompletedAt() {
        return completedAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
