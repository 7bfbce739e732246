package dev.conveyor.review.sessions.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.review.sessions.SemanticEnrichment.Entry;

/**
 * Reads an uploaded dictionary: CSV with a header row ({@code field_name}, {@code verbose_name},
 * {@code description}, {@code display_format}), or JSON, either an array of such objects or an
 * object of field name to {@code {verbose_name, description, display_format}}.
 */
public final class DictionaryParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DictionaryParser() {
    }

    public static List<Entry> parse(String format, String content) {
        if (content == null || content.isBlank()) {
            throw SessionProblems.badRequest("content", "the dictionary is empty");
        }
        List<Entry> entries = switch (format == null ? "" : format.toLowerCase(Locale.ROOT)) {
            case "csv" -> csv(content);
            case "json" -> json(content);
            default -> throw SessionProblems.badRequest("format", "must be csv or json");
        };
        if (entries.isEmpty()) {
            throw SessionProblems.badRequest("content", "the dictionary has no entries");
        }
        return entries;
    }

    static List<Entry> json(String content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (java.io.IOException e) {
            throw SessionProblems.badRequest("content", "not JSON: " + e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                JsonNode n = root.get(i);
                String name = text(n, "field_name");
                if (name == null) {
                    throw SessionProblems.badRequest("content[" + i + "].field_name", "is required");
                }
                out.add(new Entry(name, text(n, "verbose_name"), text(n, "description"), format(n)));
            }
        } else if (root.isObject()) {
            root.fields().forEachRemaining(e -> out.add(new Entry(e.getKey(), text(e.getValue(), "verbose_name"),
                    text(e.getValue(), "description"), format(e.getValue()))));
        } else {
            throw SessionProblems.badRequest("content", "a JSON dictionary is an array or an object");
        }
        return out;
    }

    static List<Entry> csv(String content) {
        List<List<String>> rows = rows(content);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> header = new HashMap<>();
        for (int i = 0; i < rows.get(0).size(); i++) {
            header.put(rows.get(0).get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        Integer name = header.containsKey("field_name") ? header.get("field_name") : header.get("field");
        if (name == null) {
            throw SessionProblems.badRequest("content", "the CSV header needs a field_name column");
        }
        List<Entry> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            String field = cell(row, name);
            if (field == null) {
                throw SessionProblems.badRequest("content", "line " + (r + 1) + " has no field_name");
            }
            out.add(new Entry(field, cell(row, header.get("verbose_name")), cell(row, header.get("description")),
                    cell(row, header.containsKey("display_format") ? header.get("display_format")
                            : header.get("format"))));
        }
        return out;
    }

    /** RFC 4180: quoted cells may hold commas, quotes ("") and line breaks. */
    static List<List<String>> rows(String content) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < content.length(); i++) {
            char ch = content.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < content.length() && content.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < content.length() && content.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                if (!(row.size() == 1 && row.get(0).isBlank())) {
                    rows.add(row);
                }
                row = new ArrayList<>();
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw SessionProblems.badRequest("content", "a quoted CSV cell is never closed");
        }
        row.add(cell.toString());
        if (!(row.size() == 1 && row.get(0).isBlank())) {
            rows.add(row);
        }
        return rows;
    }

    private static String cell(List<String> row, Integer index) {
        if (index == null || index >= row.size()) {
            return null;
        }
        String v = row.get(index).trim();
        return v.isEmpty() ? null : v;
    }

    private static String format(JsonNode n) {
        String f = text(n, "display_format");
        return f != null ? f : text(n, "d3format");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
