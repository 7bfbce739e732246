package dev.conveyor.ingest.service;

import java.util.Locale;

/** What a bad line of an NDJSON or CSV upload rejects: the whole file (default), or only itself. */
public enum RejectMode {
    FILE, LINE;

    /** @return the mode, or null when the text names none */
    public static RejectMode parse(String text) {
        if (text == null || text.isBlank()) {
            return FILE;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "file" -> FILE;
            case "line" -> LINE;
            default -> null;
        };
    }
}
