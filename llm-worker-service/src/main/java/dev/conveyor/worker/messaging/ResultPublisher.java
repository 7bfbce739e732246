package dev.conveyor.worker.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.worker.config.WorkerConfig;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a task's result to {@code conveyor.llm-results} (keyed by task id) and waits for the
 * broker, so the task is acknowledged only once its result is stored. A result the broker
 * refuses as too large is replaced by a Failed result saying so, so the task still ends and its
 * partition's commit point moves on.
 */
@ApplicationScoped
public class ResultPublisher {

    public static final String CHANNEL = "llm-results";

    private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);

    private final Emitter<Object> emitter;
    private final WorkerConfig config;

    public ResultPublisher(@Channel(CHANNEL) Emitter<Object> emitter, WorkerConfig config) {
        this.emitter = emitter;
        this.config = config;
    }

    public void publish(TaskFinished result) {
        try {
            send(result);
        } catch (RecordTooLargeException e) {
            LOG.warn("the result of task {} is too large for the broker; it ends Failed: {}", result.getTaskId(),
                    e.getMessage());
            send(tooLarge(result, e));
        }
    }

    static TaskFinished tooLarge(TaskFinished result, RecordTooLargeException e) {
        return TaskFinished.newBuilder(result)
                .setOutcome(TaskOutcome.FAILED)
                .setOutput(null)
                .setError("result too large for the broker: " + e.getMessage())
                .build();
    }

    private void send(TaskFinished result) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(result.getTaskId()).build();
        // published as part of the task's trace (the context TaskConsumer made current)
        emitter.send(Message.of(result, Metadata.of(key, TracingMetadata.withCurrent(Context.current())), () -> {
            written.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            written.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        try {
            written.get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("the worker is stopping");
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not take the result of task " + result.getTaskId()
                    + " within " + config.publishTimeout().toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof RecordTooLargeException tooLarge) {
                    throw tooLarge;
                }
            }
            throw new IllegalStateException("could not write the result of task " + result.getTaskId() + ": "
                    + cause, cause);
        }
    }
}
