package dev.conveyor.worker.service;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.worker.ProcessKind;
import dev.conveyor.worker.Prompt;
import dev.conveyor.worker.SentimentLabel;
import dev.conveyor.worker.config.WorkerConfig;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

/**
 * Runs one task: builds the prompt, calls the model, checks the answer. Never throws for a task
 * that fails (bad input, provider error, unusable answer): the failure becomes a FAILED result
 * with its reason, so one bad task never holds back its batch.
 */
@ApplicationScoped
public class TaskProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);

    private final ChatModel model;
    private final PromptFactory prompts;
    private final FailureReasons reasons;
    private final boolean useTaskModel;

    public TaskProcessor(ChatModel model, PromptFactory prompts, FailureReasons reasons, WorkerConfig config) {
        this.model = model;
        this.prompts = prompts;
        this.reasons = reasons;
        this.useTaskModel = config.useTaskModel();
    }

    public TaskFinished process(TaskIssued task) {
        String requestedModel = requestedModel(task);
        Prompt prompt;
        try {
            prompt = prompts.forTask(task.getProcessName(), task.getInputs());
        } catch (InvalidTaskException e) {
            return failed(task, requestedModel, e.getMessage(), 0, null);
        }

        ChatRequest.Builder request = ChatRequest.builder()
                .messages(SystemMessage.from(prompt.system()), UserMessage.from(prompt.user()));
        if (useTaskModel && !isBlank(task.getModel())) {
            request.modelName(task.getModel());
        }

        long start = System.nanoTime();
        ChatResponse response;
        try {
            response = model.chat(request.build());
        } catch (RuntimeException e) {
            String reason = reasons.of(e);
            LOG.warn("task {} ({}) failed: {}", task.getTaskId(), task.getProcessName(), reason);
            return failed(task, requestedModel, reason, elapsedMillis(start), null);
        }
        long latencyMs = elapsedMillis(start);

        String answeredBy = Optional.ofNullable(response.modelName()).filter(m -> !m.isBlank()).orElse(requestedModel);
        String answer = response.aiMessage() == null ? null : response.aiMessage().text();
        if (isBlank(answer)) {
            return failed(task, answeredBy, "the model returned an empty answer", latencyMs, response.tokenUsage());
        }
        if (ProcessKind.of(task.getProcessName()) == ProcessKind.SENTIMENT) {
            Optional<SentimentLabel> label = SentimentLabel.fromAnswer(answer);
            if (label.isEmpty()) {
                return failed(task, answeredBy, reasons.redact("answer \"" + answer.strip() + "\" is not one of "
                        + SentimentLabel.CHOICES), latencyMs, response.tokenUsage());
            }
            answer = label.get().name();
        }
        return finished(task, answeredBy, latencyMs, response.tokenUsage())
                .setOutcome(TaskOutcome.COMPLETED)
                .setOutput(answer.strip())
                .build();
    }

    private String requestedModel(TaskIssued task) {
        if (useTaskModel && !isBlank(task.getModel())) {
            return task.getModel();
        }
        String configured = model.defaultRequestParameters() == null ? null
                : model.defaultRequestParameters().modelName();
        return isBlank(configured) ? String.valueOf(task.getModel()) : configured;
    }

    private static TaskFinished failed(TaskIssued task, String modelName, String reason, long latencyMs,
            TokenUsage usage) {
        return finished(task, modelName, latencyMs, usage)
                .setOutcome(TaskOutcome.FAILED)
                .setError(reason)
                .build();
    }

    private static TaskFinished.Builder finished(TaskIssued task, String modelName, long latencyMs,
            TokenUsage usage) {
        return TaskFinished.newBuilder()
                .setTaskId(task.getTaskId())
                .setRunId(task.getRunId())
                .setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId())
                .setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName())
                .setStageIndex(task.getStageIndex())
                .setModel(modelName)
                .setIssuedAt(task.getIssuedAt())
                .setFinishedAt(Instant.now())
                .setLatencyMs(latencyMs)
                .setPromptTokens(tokens(usage == null ? null : usage.inputTokenCount()))
                .setCompletionTokens(tokens(usage == null ? null : usage.outputTokenCount()));
    }

    private static int tokens(Integer count) {
        return count == null ? 0 : count;
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
