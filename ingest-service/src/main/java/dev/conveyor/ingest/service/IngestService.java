package dev.conveyor.ingest.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.IngestReceipt;
import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.UploadReceipt;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.repository.SourceCatalogueRepository;
import dev.conveyor.ingest.repository.SourceDataRepository;

/**
 * Stores rows, their outbox entries and the catalogue's counts in one database transaction. Kafka
 * is not called here: the outbox relay publishes committed rows, so an answer never claims more
 * than the database holds and nothing the database lost is ever published.
 */
@ApplicationScoped
public class IngestService {

    private final SourceDataRepository sourceData;
    private final SourceCatalogueRepository catalogue;
    private final OutboxRelay relay;
    private final UploadPublications uploads;
    private final IngestConfig config;

    public IngestService(SourceDataRepository sourceData, SourceCatalogueRepository catalogue, OutboxRelay relay,
            UploadPublications uploads, IngestConfig config) {
        this.sourceData = sourceData;
        this.catalogue = catalogue;
        this.relay = relay;
        this.uploads = uploads;
        this.config = config;
    }

    /**
     * Stores a validated JSON batch whole.
     *
     * @throws ProblemException 400 naming {@code [i]} for each row holding a NUL character, else
     *         413 naming {@code [i]} for each row too large for one Kafka record
     */
    @Transactional
    public IngestReceipt ingest(String source, List<Map<String, String>> columnsPerRow, String origin) {
        List<Problem.FieldError> unstorable = new ArrayList<>();
        List<Problem.FieldError> tooLarge = new ArrayList<>();
        for (int i = 0; i < columnsPerRow.size(); i++) {
            String text = RowLimits.problemWithText(columnsPerRow.get(i));
            if (text != null) {
                unstorable.add(new Problem.FieldError("[" + i + "]", text));
                continue;
            }
            String size = RowLimits.problemWithSize(columnsPerRow.get(i), config.maxRowBytes());
            if (size != null) {
                tooLarge.add(new Problem.FieldError("[" + i + "]", size));
            }
        }
        if (!unstorable.isEmpty()) {
            throw new ProblemException(new Problem(null, "Invalid rows", 400,
                    "A row holds a character PostgreSQL cannot store; nothing was stored.", unstorable));
        }
        if (!tooLarge.isEmpty()) {
            throw new ProblemException(new Problem(null, "Row too large", 413,
                    "A row does not fit in one Kafka record; nothing was stored.", tooLarge));
        }
        // Millisecond precision: the event's timestamp-millis and the stored created_at stay equal.
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID batchId = UUID.randomUUID();
        List<SourceRow> rows = new ArrayList<>(columnsPerRow.size());
        for (int i = 0; i < columnsPerRow.size(); i++) {
            rows.add(new SourceRow(UUID.randomUUID(), source, columnsPerRow.get(i), batchId, createdAt, origin, i + 1L));
        }
        String traceparent = TraceContext.currentTraceparent();
        for (int from = 0; from < rows.size(); from += config.uploadChunkRows()) {
            sourceData.insertNewWithOutbox(rows.subList(from, Math.min(rows.size(), from + config.uploadChunkRows())),
                    traceparent);
        }
        catalogue.add(source, rows.size(), columnCounts(rows), createdAt);
        relay.wakeUpAfterCommit();
        return new IngestReceipt(source, batchId, rows.stream().map(SourceRow::referenceId).toList());
    }

    /**
     * Stores an upload as it streams in, a chunk of rows per statement. In {@link RejectMode#FILE}
     * one bad line rolls the whole upload back (after reading it to the end, to report every bad
     * line); in {@link RejectMode#LINE} bad lines are left out and reported. Each stored chunk is
     * also sent in a Kafka transaction that commits after this transaction does
     * ({@link UploadPublications}); without a free upload publisher the relay publishes the rows.
     *
     * @throws ProblemException 400 listing the bad lines (nothing stored), or naming the line where
     *         the file could not be read further
     */
    @Transactional
    public UploadReceipt ingestStream(String source, RowReader reader, RejectMode mode, String origin) {
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID batchId = UUID.randomUUID();
        // Counted in a hash map (a merge per column of every row), sorted once for the catalogue.
        Map<String, Long> counts = new HashMap<>();
        List<SourceRow> chunk = new ArrayList<>(config.uploadChunkRows());
        List<UploadReceipt.Rejection> listed = new ArrayList<>();
        long accepted = 0;
        long rejected = 0;
        String traceparent = TraceContext.currentTraceparent();
        UploadPublications.Streaming streaming = uploads.open().orElse(null);
        while (reader.hasNext()) {
            ParsedRow parsed = reader.next();
            String problem = parsed.problem() != null ? parsed.problem()
                    : RowLimits.problemWith(parsed.columns(), config.maxRowBytes());
            if (problem != null) {
                rejected++;
                if (listed.size() < config.maxListedRejections()) {
                    listed.add(new UploadReceipt.Rejection(parsed.line(), problem));
                }
                continue;
            }
            accepted++;
            if (mode == RejectMode.FILE && rejected > 0) {
                continue; // the file is rejected already: read on only to report every bad line
            }
            parsed.columns().keySet().forEach(column -> counts.merge(column, 1L, Long::sum));
            chunk.add(new SourceRow(UUID.randomUUID(), source, parsed.columns(), batchId, createdAt, origin,
                    parsed.line()));
            if (chunk.size() >= config.uploadChunkRows()) {
                store(chunk, traceparent, streaming);
                chunk = new ArrayList<>(config.uploadChunkRows()); // the stored one may still be sending
            }
        }
        if (mode == RejectMode.FILE && rejected > 0) {
            throw new ProblemException(new Problem(null, "Bad lines in the upload", 400,
                    rejected + " of " + (accepted + rejected) + " rows were bad; with reject=file nothing was stored "
                            + "(send reject=line to store the good rows)",
                    listed.stream().map(r -> new Problem.FieldError("line " + r.line(), r.reason())).toList()));
        }
        if (accepted + rejected == 0) {
            throw ProblemException.badRequest("body", "the upload holds no rows");
        }
        store(chunk, traceparent, streaming);
        if (accepted > 0) {
            catalogue.add(source, accepted, new TreeMap<>(counts), createdAt);
            relay.wakeUpAfterCommit();
        }
        return new UploadReceipt(source, batchId, accepted, rejected, listed);
    }

    private void store(List<SourceRow> chunk, String traceparent, UploadPublications.Streaming streaming) {
        if (streaming == null) {
            sourceData.insertNewWithOutbox(chunk, traceparent);
            return;
        }
        Long id = sourceData.insertNewWithOutbox(chunk, traceparent, streaming.claimedBy());
        if (id != null) {
            streaming.sent(id, chunk, traceparent);
        }
    }

    /**
     * Stores rows taken from the JSON intake topic, with outbox entries for the new ones, and
     * counts only those in the catalogue: a redelivered record changes nothing.
     *
     * @return how many rows were new
     */
    @Transactional
    public int storeNew(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        int added = addToCatalogue(rows,
                sourceData.insertMissingWithOutbox(rows, TraceContext.currentTraceparent()));
        if (added > 0) {
            relay.wakeUpAfterCommit();
        }
        return added;
    }

    /**
     * Stores rows read from {@code conveyor.source-rows} that are not stored yet (produced straight
     * onto the topic as Avro): they are published already, so no outbox entry.
     *
     * @return how many rows were new
     */
    @Transactional
    public int storeFromTopic(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        return addToCatalogue(rows, sourceData.insertMissing(rows));
    }

    private int addToCatalogue(List<SourceRow> rows, List<UUID> insertedIds) {
        Set<UUID> inserted = new HashSet<>(insertedIds);
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
        Map<String, Long> counts = new HashMap<>();
        for (SourceRow row : rows) {
            row.columns().keySet().forEach(column -> counts.merge(column, 1L, Long::sum));
        }
        return new TreeMap<>(counts);
    }
}
