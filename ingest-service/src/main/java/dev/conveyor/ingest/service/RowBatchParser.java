package dev.conveyor.ingest.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;

/**
 * Checks a posted batch whole and turns it into rows of texts. Every problem is collected before
 * answering, so that one 400 names every offending field and nothing of a bad batch is stored.
 */
public final class RowBatchParser {

    /** What a source name may look like: URL-ish names such as {@code s3://bucket/file.csv}. */
    public static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,200}");

    private RowBatchParser() {
    }

    /**
     * @return per row, column name to value text, in input order
     * @throws ProblemException 400 naming {@code source}, {@code body} or {@code [i]} for each problem
     */
    public static List<Map<String, String>> parse(String source, JsonNode body, int maxRows) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!isValidSourceName(source)) {
            errors.add(new Problem.FieldError("source", "must match " + SOURCE_NAME.pattern()));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        if (body == null || body.isMissingNode() || body.isNull()) {
            errors.add(new Problem.FieldError("body", "a JSON array of row objects is required"));
        } else if (!body.isArray()) {
            errors.add(new Problem.FieldError("body", "must be a JSON array of row objects, got " + kind(body)));
        } else if (body.isEmpty()) {
            errors.add(new Problem.FieldError("body", "must hold at least one row"));
        } else {
            if (body.size() > maxRows) {
                errors.add(new Problem.FieldError("body",
                        "holds " + body.size() + " rows, at most " + maxRows + " are taken per request"));
            }
            for (int i = 0; i < body.size(); i++) {
                String problem = problemWith(body.get(i));
                if (problem != null) {
                    errors.add(new Problem.FieldError("[" + i + "]", problem));
                } else {
                    rows.add(columnsOf(body.get(i)));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return rows;
    }

    public static boolean isValidSourceName(String source) {
        if (source == null) {
            return false;
        }
        // The records of an intake poll mostly share one source: the regex ran for each (JFR).
        if (source.equals(lastValidSourceName)) {
            return true;
        }
        boolean valid = SOURCE_NAME.matcher(source).matches();
        if (valid) {
            lastValidSourceName = source;
        }
        return valid;
    }

    /** The last name found valid (only valid names are kept). */
    private static volatile String lastValidSourceName;

    /**
     * The text a JSON value is stored as: strings as they are, numbers and booleans as their JSON
     * text, null as null, objects and arrays as compact JSON.
     */
    public static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            // Plain notation, so that 1e3 reads 1000 rather than 1E+3; 10.50 keeps its zero.
            return value.decimalValue().toPlainString();
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        return value.toString();
    }

    /** @return why one row object cannot be a row (REST, NDJSON line, intake record), or null when it can */
    public static String problemWith(JsonNode element) {
        if (!element.isObject()) {
            return "must be a JSON object of column to value, got " + kind(element);
        }
        if (element.isEmpty()) {
            return "a row needs at least one column";
        }
        Iterator<String> names = element.fieldNames();
        while (names.hasNext()) {
            if (names.next().isBlank()) {
                return "column names must not be blank";
            }
        }
        return null;
    }

    /** Only for elements {@link #problemWith} accepts. */
    public static Map<String, String> columnsOf(JsonNode element) {
        Map<String, String> columns = new LinkedHashMap<>();
        element.fields().forEachRemaining(field -> columns.put(field.getKey(), text(field.getValue())));
        return columns;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
