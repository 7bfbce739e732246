package dev.conveyor.ingest.messaging;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.service.IngestService;

/**
 * Takes rows from the JSON intake topic ({@code conveyor.source-rows-json}): every record is
 * checked like a REST row; good ones are stored with their outbox entries in one database
 * transaction (then relayed to {@code conveyor.source-rows}), bad ones go to the dead-letter topic
 * with the reason, and the stream goes on. Offsets are committed after the batch is stored
 * ({@link BatchConsumerLoop}); a redelivered record keeps its reference id, so it is not stored twice.
 */
@ApplicationScoped
public class JsonIntakeConsumer implements BatchConsumerLoop.BatchHandler<PolledRows> {

    private final IngestService ingest;
    private final DeadLetterPublisher deadLetters;
    private final IngestConfig config;

    public JsonIntakeConsumer(IngestService ingest, DeadLetterPublisher deadLetters, IngestConfig config) {
        this.ingest = ingest;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @Override
    public PolledRows prepare(ConsumerRecords<byte[], byte[]> records) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<SourceRow> rows = new ArrayList<>(records.count());
        List<PolledRows.Rejected> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            IntakeRecords.Outcome outcome = IntakeRecords.parse(record, now, config.maxRowBytes());
            if (outcome.row() != null) {
                rows.add(outcome.row());
            } else {
                rejected.add(new PolledRows.Rejected(record, outcome.problem()));
            }
        }
        return new PolledRows(rows, rejected);
    }

    @Override
    public void store(PolledRows batch) {
        batch.rejected().forEach(bad -> deadLetters.send(bad.record(), bad.reason()));
        ingest.storeNew(batch.rows());
    }
}
