package dev.conveyor.ingest.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.common.kafka.ConsumerLoop;
import dev.conveyor.common.kafka.ConsumerLoop.Incoming;
import dev.conveyor.common.kafka.ConsumerLoop.Rejected;
import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.service.IngestService;
import dev.conveyor.schemas.RowIngested;

/**
 * Stores rows that users produced straight onto the source-rows topic. Rows our own REST path
 * published are already stored, so for them the insert is a no-op; records that cannot be rows
 * are handed back to the loop for the dead-letter topic.
 */
@ApplicationScoped
public class SourceRowsConsumer implements ConsumerLoop.BatchHandler<RowIngested> {

    private final IngestService ingest;

    public SourceRowsConsumer(IngestService ingest) {
        this.ingest = ingest;
    }

    @Override
    public List<Rejected> handle(List<Incoming<RowIngested>> batch) {
        List<Rejected> rejected = new ArrayList<>();
        List<SourceRow> rows = new ArrayList<>(batch.size());
        for (Incoming<RowIngested> record : batch) {
            String problem = RowEvents.problemWith(record.value());
            if (problem == null) {
                rows.add(RowEvents.toRow(record.value()));
            } else {
                rejected.add(record.reject(problem));
            }
        }
        ingest.storeFromTopic(rows);
        return rejected;
    }
}
