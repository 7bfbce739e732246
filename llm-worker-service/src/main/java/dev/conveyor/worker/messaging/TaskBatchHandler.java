package dev.conveyor.worker.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.ConsumerLoop.BatchHandler;
import dev.conveyor.common.kafka.ConsumerLoop.Incoming;
import dev.conveyor.common.kafka.ConsumerLoop.Rejected;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.worker.service.TaskProcessor;

/**
 * Runs the model calls of a batch side by side on a bounded pool, waits for all of them, and
 * writes one result per task. It returns only once the results are acknowledged, so the
 * consumer loop commits the tasks' offsets after their results are durable. If writing fails,
 * it throws and the loop polls the batch again: a task may then be answered twice, under the
 * same task id, which downstream consumers treat as the same result.
 */
public final class TaskBatchHandler implements BatchHandler<TaskIssued> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskBatchHandler.class);

    private final TaskProcessor processor;
    private final ExecutorService calls;
    private final ResultPublisher publisher;
    private final BooleanSupplier stopping;

    /**
     * @param stopping true once the service shuts down: calls cut short then must not be
     *        published as failures, the batch is left uncommitted for the next instance instead
     */
    public TaskBatchHandler(TaskProcessor processor, ExecutorService calls, ResultPublisher publisher,
            BooleanSupplier stopping) {
        this.processor = processor;
        this.calls = calls;
        this.publisher = publisher;
        this.stopping = stopping;
    }

    @Override
    public List<Rejected> handle(List<Incoming<TaskIssued>> batch) throws Exception {
        List<Rejected> rejected = new ArrayList<>();
        List<Future<TaskFinished>> running = new ArrayList<>(batch.size());
        for (Incoming<TaskIssued> incoming : batch) {
            TaskIssued task = incoming.value();
            if (task.getTaskId() == null || task.getTaskId().isBlank()) {
                rejected.add(incoming.reject("task has no task_id, so its result could not be keyed"));
                continue;
            }
            running.add(calls.submit(() -> processor.process(task)));
        }

        List<TaskFinished> results = new ArrayList<>(running.size());
        try {
            for (Future<TaskFinished> call : running) {
                results.add(call.get());
            }
        } catch (InterruptedException e) {
            running.forEach(call -> call.cancel(true));
            Thread.currentThread().interrupt();
            throw e;
        }
        if (stopping.getAsBoolean()) {
            throw new IllegalStateException("shutting down; " + batch.size() + " tasks are left for redelivery");
        }
        publisher.publishAll(results);
        LOG.debug("published {} results", results.size());
        return rejected;
    }
}
