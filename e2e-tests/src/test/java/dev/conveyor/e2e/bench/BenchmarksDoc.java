package dev.conveyor.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Adds a row to a table of docs/benchmarks.md, in the section it belongs to. */
final class BenchmarksDoc {

    private BenchmarksDoc() {
    }

    static void addRow(Path doc, String section, String tableHeader, String row) throws IOException {
        List<String> lines = Files.exists(doc) ? Files.readAllLines(doc, StandardCharsets.UTF_8) : List.of();
        Files.writeString(doc, String.join("\n", withRow(lines, section, tableHeader, row)) + "\n",
                StandardCharsets.UTF_8);
    }

    /**
     * The lines with {@code row} after the last row of the table of {@code section} whose header
     * is {@code tableHeader}'s first line; that table (and the section) is created at the end of
     * the section when missing. Other tables of the section are left alone.
     */
    static List<String> withRow(List<String> lines, String section, String tableHeader, String row) {
        List<String> out = new ArrayList<>(lines);
        int start = out.indexOf(section);
        if (start < 0) {
            while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
                out.remove(out.size() - 1);
            }
            out.add("");
            out.add(section);
            start = out.size() - 1;
        }
        int end = start + 1;
        while (end < out.size() && !out.get(end).startsWith("## ")) {
            end++;
        }
        String headerLine = tableHeader.lines().findFirst().orElseThrow();
        int header = out.subList(start, end).indexOf(headerLine);
        if (header >= 0) {
            int last = start + header;
            while (last + 1 < end && out.get(last + 1).startsWith("|")) {
                last++;
            }
            out.add(last + 1, row);
            return out;
        }
        int at = end;
        while (at > start + 1 && out.get(at - 1).isBlank()) {
            at--;
        }
        List<String> table = new ArrayList<>();
        table.add("");
        table.addAll(tableHeader.lines().toList());
        table.add(row);
        if (at < out.size() && !out.get(at).isBlank()) {
            table.add("");
        }
        out.addAll(at, table);
        return out;
    }
}
