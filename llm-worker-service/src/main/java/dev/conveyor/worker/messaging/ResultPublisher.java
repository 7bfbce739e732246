package dev.conveyor.worker.messaging;

import java.util.List;

import dev.conveyor.schemas.TaskFinished;

/** Writes results and returns only once they are durable. */
public interface ResultPublisher extends AutoCloseable {

    /**
     * Publishes every result, keyed by task id, and waits until the broker has acknowledged all
     * of them.
     *
     * @throws Exception when any of them could not be written; the caller must not commit the tasks
     */
    void publishAll(List<TaskFinished> results) throws Exception;

    @Override
    void close();
}
