package dev.conveyor.ingest.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.conveyor.ingest.IngestReceipt;
import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.messaging.PublishException;
import dev.conveyor.ingest.messaging.RowPublisher;
import dev.conveyor.ingest.repository.SourceCatalogueRepository;
import dev.conveyor.ingest.repository.SourceData;
import dev.conveyor.ingest.repository.SourceDataRepository;

/** Stores rows and keeps the catalogue in step with them, in the same database transaction. */
@ApplicationScoped
public class IngestService {

    private final SourceDataRepository sourceData;
    private final SourceCatalogueRepository catalogue;
    private final RowPublisher publisher;

    public IngestService(SourceDataRepository sourceData, SourceCatalogueRepository catalogue, RowPublisher publisher) {
        this.sourceData = sourceData;
        this.catalogue = catalogue;
        this.publisher = publisher;
    }

    /**
     * Stores a validated batch and publishes it. The Kafka transaction commits before the database
     * one: if Kafka fails the database rolls back, so the batch is all in or all out. (If the
     * database commit failed after Kafka's, our consumer would still store the rows from the topic.)
     *
     * @throws PublishException when Kafka did not take the batch; nothing was stored
     */
    @Transactional
    public IngestReceipt ingest(String source, List<Map<String, String>> columnsPerRow) {
        // Millisecond precision: the event's timestamp-millis and the stored created_at stay equal.
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID batchId = UUID.randomUUID();
        List<SourceRow> rows = new ArrayList<>(columnsPerRow.size());
        for (Map<String, String> columns : columnsPerRow) {
            rows.add(new SourceRow(UUID.randomUUID(), source, columns, batchId, createdAt));
        }
        sourceData.persist(rows.stream().map(SourceData::of));
        sourceData.flush();
        catalogue.add(source, rows.size(), columnCounts(rows), createdAt);
        publisher.publish(rows);
        return new IngestReceipt(source, batchId, rows.stream().map(SourceRow::referenceId).toList());
    }

    /**
     * Stores rows read from the topic that are not stored yet, and counts only those in the
     * catalogue: redelivered rows and rows our REST path published change nothing.
     *
     * @return how many rows were new
     */
    @Transactional
    public int storeFromTopic(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        Set<UUID> inserted = new HashSet<>(sourceData.insertMissing(rows));
        // Sorted by source so that concurrent writers lock catalogue rows in the same order.
        Map<String, List<SourceRow>> insertedBySource = rows.stream()
                .filter(row -> inserted.remove(row.referenceId()))
                .collect(Collectors.groupingBy(SourceRow::sourceConnection, TreeMap::new, Collectors.toList()));
        Instant now = Instant.now();
        insertedBySource.forEach((source, added) -> catalogue.add(source, added.size(), columnCounts(added), now));
        return insertedBySource.values().stream().mapToInt(List::size).sum();
    }

    /** Per column, how many of the rows have it (a column with a null value counts: the row has it). */
    static Map<String, Long> columnCounts(List<SourceRow> rows) {
        Map<String, Long> counts = new TreeMap<>();
        for (SourceRow row : rows) {
            row.columns().keySet().forEach(column -> counts.merge(column, 1L, Long::sum));
        }
        return counts;
    }
}
