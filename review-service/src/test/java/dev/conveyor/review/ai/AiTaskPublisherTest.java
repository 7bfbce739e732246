package dev.conveyor.review.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;

class AiTaskPublisherTest {

    private final String requestId = UUID.randomUUID().toString();
    private final String pathId = UUID.randomUUID().toString();
    private final String workflowId = UUID.randomUUID().toString();

    private AiTaskRequest request() {
        return new AiTaskRequest(TaskOrigins.PATH, requestId, pathId, workflowId, "add_research_strategy",
                "You are a research assistant.", "Workflow: {{workflow}}\nPath: {{path}}\nAgain: {{ workflow }}",
                Map.of("workflow", "{\"protocols_info\":[]}", "path", "{\"steps\":[]}"), "{\"type\":\"object\"}");
    }

    @Test
    void shouldIssueAnExtractTaskCarryingTheContractFields() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TaskIssued task = AiTaskPublisher.toTask(request(), "gpt-4o-mini", now);

        assertThat(task.getOrigin()).isEqualTo("path");
        assertThat(task.getRunId()).isEqualTo(pathId);
        assertThat(task.getWorkflowId()).isEqualTo(workflowId);
        assertThat(task.getReferenceId()).isEqualTo(requestId);
        assertThat(task.getSourceConnection()).isEqualTo("path");
        assertThat(task.getProcessName()).isEqualTo("add_research_strategy");
        assertThat(task.getModel()).isEqualTo("gpt-4o-mini");
        assertThat(task.getIssuedAt()).isEqualTo(now);
        assertThat(task.getInputs()).containsEntry("workflow", "{\"protocols_info\":[]}");
        assertThat(task.getProcess().getType()).isEqualTo(ProcessType.EXTRACT);
        assertThat(task.getProcess().getJsonSchema()).isEqualTo("{\"type\":\"object\"}");
        assertThat(task.getProcess().getSystemPrompt()).isEqualTo("You are a research assistant.");
        assertThat(task.getProcess().getColumns()).containsExactly("workflow", "path");
        assertThat(task.getProcess().getColumn()).isEqualTo("workflow");
    }

    @Test
    void shouldDeriveTheSameTaskIdForAReSentRequestAndADifferentOneOtherwise() {
        TaskIssued first = AiTaskPublisher.toTask(request(), "m", Instant.now());
        TaskIssued again = AiTaskPublisher.toTask(request(), "m", Instant.now().plusSeconds(5));

        assertThat(again.getTaskId()).isEqualTo(first.getTaskId());
        assertThat(AiTaskIds.taskId(TaskOrigins.PATH, UUID.randomUUID().toString())).isNotEqualTo(first.getTaskId());
        assertThat(AiTaskIds.taskId(TaskOrigins.REVIEW_SESSION, requestId)).isNotEqualTo(first.getTaskId());
    }
}
