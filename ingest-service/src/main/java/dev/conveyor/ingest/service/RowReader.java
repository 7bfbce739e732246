package dev.conveyor.ingest.service;

import java.util.Iterator;

/**
 * Rows of an upload read as they stream in. {@link #next()} throws {@link UnreadableUploadException}
 * when the rest of the file cannot be read (broken CSV quoting, bad encoding in CSV).
 */
public interface RowReader extends Iterator<ParsedRow> {
}
