package dev.conveyor.review.messaging;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.common.messaging.DeadLetterPublisher;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The {@code task-events} channel: conveyor.llm-tasks and conveyor.llm-results in batches, one
 * batch at a time and one transaction per batch. Records the handler rejects are dead-lettered
 * with the reason before the batch is acknowledged; the connector's health checks cover the
 * consumer (readiness and liveness).
 */
@ApplicationScoped
public class ResultEventsConsumer {

    static final String SERVICE = "review-service";

    private static final Logger LOG = Logger.getLogger(ResultEventsConsumer.class);

    private final KafkaSettings kafka;
    private final ResultEventHandler handler;
    private final DeadLetterPublisher deadLetters;
    private final ResultTraces traces;

    public ResultEventsConsumer(KafkaSettings kafka, ResultEventHandler handler, DeadLetterChannel channel,
            ResultTraces traces) {
        this.kafka = kafka;
        this.handler = handler;
        this.traces = traces;
        this.deadLetters = new DeadLetterPublisher(SERVICE, channel::emitter);
    }

    /** Before the channels start (messaging starts at priority 1000): the topics must exist. */
    void prepareTopics(@Observes @Priority(100) StartupEvent event) {
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.LLM_TASKS, Topics.LLM_RESULTS, Topics.DEAD_LETTER));
    }

    /* Object, not the Avro types: Quarkus loads channel signatures while it builds, without Avro. */
    @Incoming("task-events")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, Object> batch) {
        List<KafkaRecord<String, Object>> records = batch.getRecords();
        List<ResultEventHandler.Received> received = records.stream()
                .map(r -> new ResultEventHandler.Received(r.getPayload(),
                        DeadLetterPublisher.unreadableReason(r.getHeaders())))
                .toList();
        List<ResultEventHandler.Rejected> rejected;
        List<io.opentelemetry.api.trace.Span> spans = traces.start(records);
        try {
            rejected = handler.handle(received);
        } catch (CancellationException e) {
            traces.end(spans, List.of(), e);
            LOG.info("stopping: the batch is left unacknowledged and will be redelivered");
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            traces.end(spans, List.of(), e);
            throw e;
        }
        traces.end(spans, rejected, null);
        CompletableFuture<?>[] written = rejected.stream()
                .map(r -> deadLetters.send((IncomingKafkaRecord<?, ?>) records.get(r.index()), r.reason())
                        .toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        // The batch is acknowledged once its dead letters are on the broker; if they cannot be
        // written, the batch is nacked and the failure strategy takes over.
        return CompletableFuture.allOf(written).handle((ok, failure) -> failure)
                .thenCompose(failure -> failure == null ? batch.ack() : batch.nack(failure));
    }
}
