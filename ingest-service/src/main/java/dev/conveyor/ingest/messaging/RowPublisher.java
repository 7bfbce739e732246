package dev.conveyor.ingest.messaging;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.schemas.RowIngested;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Publishes rows from the outbox to {@code conveyor.source-rows} in one Kafka transaction per call:
 * read_committed consumers see all of it or nothing. The transactional id is stable per instance
 * ({@code conveyor-ingest-<instance-id>}), so a restarted instance fences its predecessor and
 * aborts whatever that one left open. Callers run one transaction at a time (the relay thread).
 */
@ApplicationScoped
public class RowPublisher {

    private final KafkaTransactions<RowIngested> transactions;
    private final Duration timeout;

    /**
     * A relay round sends up to {@code relay-batch-size} records before the commit waits for them:
     * the emitter must hold them all (its default 256 would nack the rest and abort the round).
     */
    public RowPublisher(@Channel("row-events") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
            KafkaTransactions<RowIngested> transactions, IngestConfig config) {
        this.transactions = transactions;
        this.timeout = config.publishTimeout();
    }

    /**
     * Sends one {@link RowIngested} per row (key: reference id) and commits, or aborts and throws.
     *
     * @throws PublishException when Kafka did not commit; nothing of the call is visible then
     */
    public void publish(List<SourceRow> rows) {
        publish(rows, java.util.Collections.nCopies(rows.size(), null));
    }

    /**
     * As {@link #publish(List)}; each row's record is published as part of the trace its
     * {@code traceparent} names (when tracing is on, the connector writes the header).
     */
    public void publish(List<SourceRow> rows, List<String> traceparents) {
        try {
            transactions.withTransaction(emitter -> {
                for (int i = 0; i < rows.size(); i++) {
                    SourceRow row = rows.get(i);
                    String traceparent = traceparents.get(i);
                    KafkaRecord<String, RowIngested> record = KafkaRecord.of(row.referenceId().toString(),
                            RowEvents.toEvent(row));
                    emitter.send(traceparent == null ? record
                            : record.addMetadata(TracingMetadata.withCurrent(RowTraces.context(traceparent))));
                }
                return Uni.createFrom().voidItem();
            }).await().atMost(timeout);
        } catch (RuntimeException e) {
            throw new PublishException("Kafka did not take " + rows.size() + " rows: " + e, e,
                    causedBy(e, RecordTooLargeException.class) || causedBy(e, SerializationException.class));
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
