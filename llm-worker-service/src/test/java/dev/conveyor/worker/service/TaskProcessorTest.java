package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.worker.Tasks;
import dev.langchain4j.exception.HttpException;

class TaskProcessorTest {

    /** A model that plays back scripted answers or failures and records what it was asked. */
    static final class ScriptedModel implements ModelCaller {
        final Deque<Function<ModelRequest, ModelReply>> script = new ArrayDeque<>();
        final List<ModelRequest> requests = new ArrayList<>();

        ScriptedModel then(String answer) {
            script.add(r -> new ModelReply(answer, "gpt-4o-mini-2024-07-18", 100, 10));
            return this;
        }

        ScriptedModel thenFail(RuntimeException e) {
            script.add(r -> {
                throw e;
            });
            return this;
        }

        @Override
        public synchronized ModelReply call(ModelRequest request) {
            requests.add(request);
            return script.isEmpty() ? new ModelReply("Neutral", "m", 1, 1) : script.poll().apply(request);
        }
    }

    private final ScriptedModel model = new ScriptedModel();
    private final HaltedRuns halted = new HaltedRuns();
    private final ResponseCache cache = new ResponseCache(100);

    private TaskProcessor processor(int maxAttempts) {
        return new TaskProcessor(model, new ModelGates(() -> new ProviderGate(0, 0, Duration.ofSeconds(1), 100, Duration.ofSeconds(1))), cache,
                new PriceTable(Map.of("gpt-4o-mini", new PriceTable.Price(0.15, 0.60))), halted, new PromptFactory(),
                new FailureReasons(Optional.of("sk-secret-key-123456")),
                new TaskProcessor.Settings(true, "configured", 256, 2,
                        new RetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(5)),
                        Duration.ofSeconds(30)));
    }

    private static TaskIssued sentiment(String text) {
        return Tasks.task("sentiment", Map.of("c", text), "gpt-4o-mini");
    }

    @Test
    void shouldReserveEachCallAgainstItsRunsBudgetAndSkipTheTasksBeyondIt() {
        TaskProcessor processor = processor(3);
        java.util.List<TaskFinished> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            model.then("Positive");
        }
        for (int i = 0; i < 4; i++) {
            TaskIssued task = sentiment("text " + i);
            task.setRunId("budgeted-run");
            task.setMaxTokens(200L); // each call uses 110 (100 prompt + 10 completion)
            results.add(processor.process(task));
        }

        assertThat(results).extracting(TaskFinished::getOutcome).containsExactly(TaskOutcome.COMPLETED,
                TaskOutcome.COMPLETED, TaskOutcome.SKIPPED, TaskOutcome.SKIPPED);
        assertThat(results.get(2).getError()).isEqualTo("budget reached: spent 220 of 200 tokens");
        assertThat(results.get(2).getAttempts()).isZero();
        assertThat(model.requests).as("no call once the budget is spent").hasSize(2);
    }

    @Test
    void shouldRetryTransientFailuresThenComplete() {
        model.thenFail(new HttpException(503, "overloaded")).thenFail(new HttpException(429, "slow down"))
                .then("Positive");

        TaskFinished result = processor(5).process(sentiment("I love it"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("Positive");
        assertThat(result.getAttempts()).isEqualTo(3);
        assertThat(model.requests).hasSize(3);
    }

    @Test
    void shouldFailAPermanentErrorAtOnce() {
        model.thenFail(new HttpException(400, "{\"error\":{\"message\":\"context length exceeded\"}}"));

        TaskFinished result = processor(5).process(sentiment("I love it"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).contains("400").contains("context length exceeded");
        assertThat(result.getAttempts()).isEqualTo(1);
        assertThat(model.requests).hasSize(1);
    }

    @Test
    void shouldFailAfterTheRetryBudgetNeverDropTheTask() {
        for (int i = 0; i < 3; i++) {
            model.thenFail(new HttpException(500, "down"));
        }

        TaskFinished result = processor(3).process(sentiment("I love it"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).startsWith("gave up after 3 attempts");
        assertThat(model.requests).hasSize(3);
    }

    @Test
    void shouldReAskAnInvalidAnswerWithTheReason() {
        model.then("Kind of good").then("Positive");

        TaskFinished result = processor(3).process(sentiment("I love it"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("Positive");
        assertThat(result.getAttempts()).isEqualTo(2);
        assertThat(result.getPromptTokens()).isEqualTo(200);
        ModelRequest reAsk = model.requests.get(1);
        assertThat(reAsk.turns()).hasSize(3);
        assertThat(reAsk.turns().get(1).text()).isEqualTo("Kind of good");
        assertThat(reAsk.turns().get(2).text()).contains("is not one of Positive, Negative, Neutral");
    }

    @Test
    void shouldPriceTheCallsByTheAnsweringModel() {
        model.then("Positive");

        TaskFinished result = processor(3).process(sentiment("I love it"));

        // 100 prompt tokens at $0.15/M and 10 completion tokens at $0.60/M, by the model's name prefix
        assertThat(result.getCostUsd()).isCloseTo(0.000021, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(result.getModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    }

    @Test
    void shouldAnswerAnIdenticalRequestFromTheCacheWithoutSpending() {
        model.then("Negative");
        TaskProcessor processor = processor(3);

        TaskFinished first = processor.process(sentiment("This is boring."));
        TaskFinished second = processor.process(sentiment("This is boring."));

        assertThat(first.getCached()).isFalse();
        assertThat(second.getCached()).isTrue();
        assertThat(second.getOutput()).isEqualTo("Negative");
        assertThat(second.getCostUsd()).isZero();
        assertThat(second.getPromptTokens()).isZero();
        assertThat(model.requests).hasSize(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void shouldNotCacheAnInvalidAnswer() {
        model.then("??").then("??").then("??").then("Positive");
        TaskProcessor processor = processor(3);

        assertThat(processor.process(sentiment("x")).getOutcome()).isEqualTo(TaskOutcome.FAILED);
        TaskFinished again = processor.process(sentiment("x"));

        assertThat(again.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(again.getCached()).isFalse();
    }

    @Test
    void shouldSkipATaskOfAHaltedRunWithoutACall() {
        TaskIssued task = sentiment("I love it");
        halted.halt(task.getRunId(), "budget reached");

        TaskFinished result = processor(3).process(task);

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.SKIPPED);
        assertThat(result.getError()).isEqualTo("run halted: budget reached");
        assertThat(model.requests).isEmpty();
    }

    @Test
    void shouldLeaveATaskCutShortByShutdownWithoutAResult() {
        model.thenFail(new HttpException(500, "down"));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> processor(3).process(sentiment("I love it")))
                    .isInstanceOf(CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void shouldNeverPutTheKeyInAReason() {
        model.thenFail(new HttpException(401, "Incorrect API key provided: sk-secret-key-123456"));

        TaskFinished result = processor(3).process(sentiment("I love it"));

        assertThat(result.getError()).doesNotContain("sk-secret-key-123456");
    }
}
