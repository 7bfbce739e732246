package dev.conveyor.ingest.service;

import java.util.Map;

/** One data line of an upload: its columns, or why it is not a row. {@code line} counts from 1. */
public record ParsedRow(long line, Map<String, String> columns, String problem) {

    public static ParsedRow ok(long line, Map<String, String> columns) {
        return new ParsedRow(line, columns, null);
    }

    public static ParsedRow bad(long line, String problem) {
        return new ParsedRow(line, null, problem);
    }
}
