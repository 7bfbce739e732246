package dev.conveyor.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.testing.SeedAnswers;
import dev.conveyor.worker.FakeOpenAiResource;
import dev.conveyor.worker.Tasks;
import dev.conveyor.worker.service.HaltedRuns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;

/**
 * The worker's channels without a broker (the in-memory connector): the fast tier next to
 * {@code LlmWorkerIT}, which runs the same flow against a real broker.
 */
@QuarkusTest
@QuarkusTestResource(value = InMemoryChannels.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(FakeOpenAiResource.class)
class TaskChannelsInMemoryTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    HaltedRuns halted;

    private InMemorySink<Object> results;

    @BeforeEach
    void answerLikeTheSeed() {
        FakeOpenAiResource.server().respondWith(SeedAnswers::reply);
        results = connector.sink(ResultPublisher.CHANNEL);
    }

    @Test
    void shouldAnswerATaskOnTheResultsChannel() {
        TaskIssued task = Tasks.task("sentiment", Map.of("data_column_1", "I love this movie."),
                "model-" + UUID.randomUUID());

        connector.source(TaskConsumer.CHANNEL).send(task);

        TaskFinished result = awaitResult(task.getTaskId());
        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("Positive");
    }

    @Test
    void shouldSkipATaskOfARunHaltedOnTheRunControlsChannel() {
        TaskIssued task = Tasks.task("sentiment", Map.of("data_column_1", "This is boring."),
                "model-" + UUID.randomUUID());
        connector.source("run-controls").send(new RunHalted(task.getRunId(), "budget reached", Instant.now()));
        await().atMost(Duration.ofSeconds(10)).until(() -> halted.reason(task.getRunId()).isPresent());

        connector.source(TaskConsumer.CHANNEL).send(task);

        TaskFinished result = awaitResult(task.getTaskId());
        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.SKIPPED);
        assertThat(result.getError()).isEqualTo("run halted: budget reached");
    }

    private TaskFinished awaitResult(String taskId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> results.received().stream().map(Message::getPayload)
                        .filter(p -> p instanceof TaskFinished f && f.getTaskId().equals(taskId))
                        .map(TaskFinished.class::cast).findFirst().orElse(null), r -> r != null);
    }
}
