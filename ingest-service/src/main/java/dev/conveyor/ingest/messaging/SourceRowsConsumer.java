package dev.conveyor.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.service.IngestService;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Stores rows that users produced straight onto {@code conveyor.source-rows} as Avro. Rows our own
 * relay published (header {@code conveyor-stored-by}) are stored already and skipped; records that cannot be
 * rows go to the dead-letter topic, and the rest of the batch is stored. The batch's offsets are
 * committed only after this returns.
 */
@ApplicationScoped
public class SourceRowsConsumer {

    private static final Deserializer<RowIngested> EVENTS = Topics.SOURCE_ROWS.valueSerde().deserializer();

    private final IngestService ingest;
    private final DeadLetterPublisher deadLetters;

    public SourceRowsConsumer(IngestService ingest, DeadLetterPublisher deadLetters) {
        this.ingest = ingest;
        this.deadLetters = deadLetters;
    }

    @Incoming("source-rows")
    @Blocking
    public void consume(ConsumerRecords<byte[], byte[]> records) {
        List<SourceRow> rows = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (storedByUs(record)) {
                continue;
            }
            RowIngested event;
            try {
                event = EVENTS.deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                deadLetters.send(record, "undecodable RowIngested: " + e.getMessage());
                continue;
            }
            if (event == null) {
                deadLetters.send(record, "undecodable RowIngested: the record has no value");
                continue;
            }
            String problem = RowEvents.problemWith(event);
            if (problem == null) {
                rows.add(RowEvents.toRow(event, "kafka:" + record.topic()));
            } else {
                deadLetters.send(record, problem);
            }
        }
        ingest.storeFromTopic(rows);
    }

    /** Our relay publishes only rows it has stored; anything else on the topic is stored here. */
    static boolean storedByUs(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(RowPublisher.HEADER_STORED);
        // Bytes compared, no string made: this runs for every row the relay published (JFR).
        return header != null && Arrays.equals(STORED_BY, header.value());
    }

    private static final byte[] STORED_BY = RowPublisher.STORED_BY.getBytes(StandardCharsets.UTF_8);
}
