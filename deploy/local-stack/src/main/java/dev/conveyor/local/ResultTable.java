package dev.conveyor.local;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Prints results as the seed's Result table. */
public final class ResultTable {

    private static final String[] HEADER = {"result_id", "workflow_id", "reference_id", "process_name", "result",
        "status"};

    private ResultTable() {
    }

    public static String render(List<JsonNode> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode r : results) {
            String result = r.path("status").asText().equals("Failed") ? "(" + r.path("error").asText() + ")"
                    : r.path("result").asText();
            rows.add(new String[] {r.path("result_id").asText(), r.path("workflow_id").asText(),
                r.path("reference_id").asText(), r.path("process_name").asText(), shorten(result, 60),
                r.path("status").asText()});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < HEADER.length; i++) {
                out.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", rows.get(r)[i]));
            }
            out.append('\n');
            if (r == 0) {
                for (int i = 0; i < HEADER.length; i++) {
                    out.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String shorten(String s, int max) {
        String flat = s.replace('\n', ' ');
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
