package dev.conveyor.review.ai;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.TaskIssued;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Publishes the AI work a review-service aggregate asks for as an extract task on
 * {@code conveyor.llm-tasks}, so that it runs under the workers' rate gate, retries, budgets and
 * metering like every other task. Returns once the broker has the task.
 */
@ApplicationScoped
public class AiTaskPublisher {

    static final String CHANNEL = "ai-tasks";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    private final MutinyEmitter<TaskIssued> tasks;
    private final AiConfig config;

    public AiTaskPublisher(@Channel(CHANNEL) MutinyEmitter<TaskIssued> tasks, AiConfig config) {
        this.tasks = tasks;
        this.config = config;
    }

    /** Sends the task and waits for the broker's acknowledgement; returns the task id. */
    public String publish(AiTaskRequest request) {
        TaskIssued task = toTask(request, config.model(), Instant.now());
        tasks.sendMessageAndAwait(KafkaRecord.of(task.getTaskId(), task));
        return task.getTaskId();
    }

    static TaskIssued toTask(AiTaskRequest request, String model, Instant now) {
        List<String> columns = placeholders(request.template());
        ProcessStep process = ProcessStep.newBuilder()
                .setName(request.processName())
                .setColumn(columns.isEmpty() ? "" : columns.get(0))
                .setColumns(columns)
                .setType(ProcessType.EXTRACT)
                .setTemplate(request.template())
                .setSystemPrompt(request.systemPrompt())
                .setJsonSchema(request.jsonSchema())
                .build();
        Map<String, String> inputs = new LinkedHashMap<>(request.inputs());
        return TaskIssued.newBuilder()
                .setTaskId(AiTaskIds.taskId(request.origin(), request.requestId()))
                .setRunId(request.aggregateId())
                .setWorkflowId(request.workflowId())
                .setReferenceId(request.requestId())
                .setSourceConnection(request.origin())
                .setProcessName(request.processName())
                .setStageIndex(0)
                .setInputs(inputs)
                .setModel(model)
                .setIssuedAt(now)
                .setProcess(process)
                .setOrigin(request.origin())
                .build();
    }

    static List<String> placeholders(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
