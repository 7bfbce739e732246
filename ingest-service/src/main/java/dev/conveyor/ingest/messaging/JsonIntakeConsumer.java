package dev.conveyor.ingest.messaging;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.service.IngestService;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Takes rows from the JSON intake topic ({@code conveyor.source-rows-json}): every record is
 * checked like a REST row; good ones are stored with their outbox entries in one database
 * transaction (then relayed to {@code conveyor.source-rows}), bad ones go to the dead-letter topic
 * with the reason, and the stream goes on. Offsets are committed after this returns; a redelivered
 * record keeps its reference id, so it is not stored twice.
 */
@ApplicationScoped
public class JsonIntakeConsumer {

    private final IngestService ingest;
    private final DeadLetterPublisher deadLetters;
    private final IngestConfig config;

    public JsonIntakeConsumer(IngestService ingest, DeadLetterPublisher deadLetters, IngestConfig config) {
        this.ingest = ingest;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @Incoming("row-intake")
    @Blocking
    public void consume(ConsumerRecords<byte[], byte[]> records) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<SourceRow> rows = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            IntakeRecords.Outcome outcome = IntakeRecords.parse(record, now, config.maxRowBytes());
            if (outcome.row() != null) {
                rows.add(outcome.row());
            } else {
                deadLetters.send(record, outcome.problem());
            }
        }
        ingest.storeNew(rows);
    }
}
