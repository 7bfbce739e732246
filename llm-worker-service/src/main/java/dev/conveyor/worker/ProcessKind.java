package dev.conveyor.worker;

import java.util.Locale;

/** The processes the worker knows how to prompt for; any other name is run with a generic instruction. */
public enum ProcessKind {
    SENTIMENT,
    SUMMARIZATION,
    GENERIC;

    public static ProcessKind of(String processName) {
        String name = processName == null ? "" : processName.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "sentiment" -> SENTIMENT;
            case "summarization", "summary" -> SUMMARIZATION;
            default -> GENERIC;
        };
    }
}
