package dev.conveyor.ingest;

import java.util.List;
import java.util.UUID;

/** The answer to an accepted batch: the reference ids in the order the rows were sent. */
public record IngestReceipt(String sourceConnection, UUID batchId, List<UUID> referenceIds) {
}
