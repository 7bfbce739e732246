package dev.conveyor.ingest;

import java.util.List;
import java.util.UUID;

/**
 * The answer to an NDJSON or CSV upload: how many rows were stored and rejected, and each rejected
 * line (the first {@code max-listed-rejections} of them) with the reason.
 */
public record UploadReceipt(String sourceConnection, UUID batchId, long accepted, long rejected,
        List<Rejection> rejections) {

    public record Rejection(long line, String reason) {
    }
}
