package dev.conveyor.ingest.messaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.service.IngestService;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Stores rows that users produced straight onto {@code conveyor.source-rows} as Avro. Rows our own
 * relay published (header {@code conveyor-stored-by}) are stored already and skipped; records that cannot be
 * rows go to the dead-letter topic, and the rest of the batch is stored. The batch's offsets are
 * committed only after it is stored ({@link BatchConsumerLoop}).
 */
@ApplicationScoped
public class SourceRowsConsumer implements BatchConsumerLoop.BatchHandler<PolledRows> {

    private static final Deserializer<RowIngested> EVENTS = Topics.SOURCE_ROWS.valueSerde().deserializer();

    private final IngestService ingest;
    private final DeadLetterPublisher deadLetters;

    public SourceRowsConsumer(IngestService ingest, DeadLetterPublisher deadLetters) {
        this.ingest = ingest;
        this.deadLetters = deadLetters;
    }

    @Override
    public PolledRows prepare(ConsumerRecords<byte[], byte[]> records) {
        List<SourceRow> rows = new ArrayList<>();
        List<PolledRows.Rejected> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (storedByUs(record)) {
                continue;
            }
            String problem;
            RowIngested event = null;
            try {
                event = EVENTS.deserialize(record.topic(), record.value());
                problem = event == null ? "undecodable RowIngested: the record has no value" : RowEvents.problemWith(event);
            } catch (RuntimeException e) {
                problem = "undecodable RowIngested: " + e.getMessage();
            }
            if (problem == null) {
                rows.add(RowEvents.toRow(event, "kafka:" + record.topic()));
            } else {
                rejected.add(new PolledRows.Rejected(record, problem));
            }
        }
        return new PolledRows(rows, rejected);
    }

    @Override
    public void store(PolledRows batch) {
        batch.rejected().forEach(bad -> deadLetters.send(bad.record(), bad.reason()));
        ingest.storeFromTopic(batch.rows());
    }

    /** Our relay publishes only rows it has stored; anything else on the topic is stored here. */
    static boolean storedByUs(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(RowPublisher.HEADER_STORED);
        // Bytes compared, no string made: this runs for every row the relay published (JFR).
        return header != null && Arrays.equals(RowPublisher.STORED_BY_BYTES, header.value());
    }
}
