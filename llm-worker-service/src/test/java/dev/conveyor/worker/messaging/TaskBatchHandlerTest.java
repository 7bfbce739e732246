package dev.conveyor.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.common.kafka.ConsumerLoop.Incoming;
import dev.conveyor.common.kafka.ConsumerLoop.Rejected;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.worker.StubChatModel;
import dev.conveyor.worker.Tasks;
import dev.conveyor.worker.TestConfig;
import dev.conveyor.worker.service.FailureReasons;
import dev.conveyor.worker.service.PromptFactory;
import dev.conveyor.worker.service.TaskProcessor;
import dev.langchain4j.model.chat.ChatModel;

class TaskBatchHandlerTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(3);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final AtomicBoolean stopping = new AtomicBoolean();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void shouldRunTheCallsOfABatchConcurrentlyAndPublishAllResultsOnce() throws Exception {
        CountDownLatch allInFlight = new CountDownLatch(3);
        StubChatModel model = new StubChatModel("d", request -> {
            allInFlight.countDown();
            boolean together;
            try {
                together = allInFlight.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return StubChatModel.response(together ? "Positive" : "Negative", request.modelName());
        });
        List<Incoming<TaskIssued>> batch = batch(3);

        List<Rejected> rejected = handler(model).handle(batch);

        assertThat(rejected).isEmpty();
        assertThat(publisher.batches).singleElement().satisfies(results -> {
            assertThat(results).extracting(TaskFinished::getTaskId)
                    .containsExactlyElementsOf(batch.stream().map(i -> i.value().getTaskId()).toList());
            assertThat(results).extracting(TaskFinished::getOutput).containsOnly("Positive");
        });
    }

    @Test
    void shouldTurnAThrowingCallIntoAFailedResultAndCompleteTheOthers() throws Exception {
        StubChatModel model = new StubChatModel("d", request -> {
            if (request.messages().toString().contains("boom")) {
                throw new IllegalStateException("connection reset");
            }
            return StubChatModel.response("Neutral", null);
        });
        List<Incoming<TaskIssued>> batch = List.of(
                incoming(Tasks.task("sentiment", Map.of("c", "fine"), "m"), 0),
                incoming(Tasks.task("sentiment", Map.of("c", "boom"), "m"), 1));

        handler(model).handle(batch);

        List<TaskFinished> results = publisher.batches.get(0);
        assertThat(results).extracting(TaskFinished::getOutcome)
                .containsExactly(TaskOutcome.COMPLETED, TaskOutcome.FAILED);
        assertThat(results.get(1).getError()).contains("connection reset");
    }

    @Test
    void shouldThrowWhenResultsCannotBeWrittenSoTheBatchIsNotCommitted() {
        publisher.failWith = new IllegalStateException("broker down");

        assertThatThrownBy(() -> handler(StubChatModel.answering("Positive")).handle(batch(2)))
                .hasMessage("broker down");
    }

    @Test
    void shouldRejectATaskWithoutIdAndHandleTheRest() throws Exception {
        TaskIssued noId = Tasks.task("sentiment", Map.of("c", "x"), "m");
        noId.setTaskId("");
        List<Incoming<TaskIssued>> batch = new ArrayList<>(batch(1));
        batch.add(incoming(noId, 5));

        List<Rejected> rejected = handler(StubChatModel.answering("Positive")).handle(batch);

        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.raw().offset()).isEqualTo(5);
            assertThat(r.reason()).contains("task_id");
        });
        assertThat(publisher.batches.get(0)).hasSize(1);
    }

    @Test
    void shouldPublishNothingWhenShuttingDown() {
        stopping.set(true);

        assertThatThrownBy(() -> handler(StubChatModel.answering("Positive")).handle(batch(2)))
                .hasMessageContaining("shutting down");
        assertThat(publisher.batches).isEmpty();
    }

    private TaskBatchHandler handler(ChatModel model) {
        TaskProcessor processor = new TaskProcessor(model, new PromptFactory(), new FailureReasons(Optional.empty()),
                TestConfig.worker(true, 3));
        return new TaskBatchHandler(processor, pool, publisher, stopping::get);
    }

    private static List<Incoming<TaskIssued>> batch(int size) {
        List<Incoming<TaskIssued>> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(incoming(Tasks.task("sentiment", Map.of("c", "row " + i), "m"), i));
        }
        return batch;
    }

    private static Incoming<TaskIssued> incoming(TaskIssued task, long offset) {
        byte[] key = task.getTaskId().getBytes(StandardCharsets.UTF_8);
        return new Incoming<>(new ConsumerRecord<>("conveyor.llm-tasks", 0, offset, key, new byte[0]),
                task.getTaskId(), task);
    }

    private static final class RecordingPublisher implements ResultPublisher {
        final List<List<TaskFinished>> batches = new CopyOnWriteArrayList<>();
        RuntimeException failWith;

        @Override
        public void publishAll(List<TaskFinished> results) {
            if (failWith != null) {
                throw failWith;
            }
            batches.add(List.copyOf(results));
        }

        @Override
        public void close() {
        }
    }
}
