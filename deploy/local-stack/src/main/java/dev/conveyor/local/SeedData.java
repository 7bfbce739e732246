package dev.conveyor.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The walkthrough of seed 000: three rows, and Workflow 1 (sentiment, then summarization). */
public final class SeedData {

    public static final String SOURCE = "S3";
    public static final String WORKFLOW_NAME = "Workflow 1";
    public static final String MODEL = "gpt-4";

    public static final List<Map<String, String>> ROWS = List.of(
            row("I love this movie.", "The plot was great."),
            row("This is boring.", "It dragged a lot."),
            row("Amazing performance!", "Best part ever."));

    /** In run order: sentiment first, then summarization. */
    public static final Map<String, String> PROCESSES = processes();

    private SeedData() {
    }

    private static Map<String, String> row(String column1, String column2) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("data_column_1", column1);
        row.put("data_column_2", column2);
        return row;
    }

    private static Map<String, String> processes() {
        Map<String, String> processes = new LinkedHashMap<>();
        processes.put("sentiment", "data_column_1");
        processes.put("summarization", "data_column_2");
        return java.util.Collections.unmodifiableMap(processes);
    }
}
