package dev.conveyor.ingest.messaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.service.RowBatchParser;
import dev.conveyor.ingest.service.RowLimits;

/**
 * Turns one record of the JSON intake topic into a source row, or says why it cannot be one. The
 * value is one JSON object of column to value (UTF-8, a BOM allowed); the source is the
 * {@code source} header or else the key; a {@code reference_id} header is kept. Without that
 * header the id is derived from the record's topic, partition and offset, so a redelivered record
 * lands on the same row.
 */
public final class IntakeRecords {

    public static final String HEADER_SOURCE = "source";
    public static final String HEADER_REFERENCE_ID = "reference_id";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    /** As {@link #JSON}, for single values inside an object (what follows them is not "trailing"). */
    private static final ObjectMapper VALUES = JSON.copy().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A row, or the reason there is none. */
    public record Outcome(SourceRow row, String problem) {
    }

    private IntakeRecords() {
    }

    public static Outcome parse(ConsumerRecord<byte[], byte[]> record, Instant now, int maxRowBytes) {
        String source;
        try {
            String fromHeader = header(record, HEADER_SOURCE);
            source = fromHeader != null ? fromHeader : record.key() == null ? null : utf8(record.key());
        } catch (CharacterCodingException e) {
            return problem("the key or the source header is not valid UTF-8");
        }
        if (source == null || source.isBlank()) {
            return problem("no source: give the source name as the record key (kcat -k S3) or a 'source' header");
        }
        if (!RowBatchParser.isValidSourceName(source)) {
            return problem("source '" + source + "' does not match " + RowBatchParser.SOURCE_NAME.pattern());
        }
        UUID referenceId;
        try {
            String given = header(record, HEADER_REFERENCE_ID);
            if (given == null) {
                referenceId = UUID.nameUUIDFromBytes((record.topic() + "/" + record.partition() + "/" + record.offset())
                        .getBytes(StandardCharsets.UTF_8));
            } else if (RowEvents.isUuid(given)) {
                referenceId = UUID.fromString(given);
            } else {
                return problem("reference_id header is not a UUID: '" + given + "'");
            }
        } catch (CharacterCodingException e) {
            return problem("the reference_id header is not valid UTF-8");
        }
        if (record.value() == null || record.value().length == 0) {
            return problem("the record has no value: a JSON object of column to value is expected");
        }
        String text;
        try {
            text = utf8(record.value());
        } catch (CharacterCodingException e) {
            return problem("the value is not valid UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, String> columns = streamedColumns(text);
        if (columns == null) {
            // Not a plain good row: the tree parse gives the exact reason (or the columns, e.g. with an odd number).
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                return problem("malformed JSON: " + e.getOriginalMessage());
            }
            if (node == null || node.isMissingNode()) {
                return problem("the value is blank: a JSON object of column to value is expected");
            }
            String shape = RowBatchParser.problemWith(node);
            if (shape != null) {
                return problem(shape);
            }
            columns = RowBatchParser.columnsOf(node);
        }
        String size = RowLimits.problemWith(columns, maxRowBytes);
        if (size != null) {
            return problem(size);
        }
        return new Outcome(new SourceRow(referenceId, source, columns, null, now, "kafka:" + record.topic(), null), null);
    }

    /**
     * The columns of a JSON object read token by token, without a tree: the common case (an
     * object of strings) costs a map and its strings. Other values are read as the tree parse
     * reads them. Null for anything that is not a well-formed, non-empty object with named
     * columns, which the caller then parses again for the exact reason.
     */
    static Map<String, String> streamedColumns(String text) {
        try (JsonParser parser = VALUES.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, String> columns = new LinkedHashMap<>();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (name.isBlank()) {
                    return null;
                }
                String value = switch (parser.nextToken()) {
                    case VALUE_STRING -> parser.getText();
                    case VALUE_NULL -> null;
                    case VALUE_TRUE -> "true";
                    case VALUE_FALSE -> "false";
                    default -> RowBatchParser.text(VALUES.readTree(parser));
                };
                columns.put(name, value);
            }
            if (token != JsonToken.END_OBJECT || columns.isEmpty() || parser.nextToken() != null) {
                return null;
            }
            return columns;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Outcome problem(String reason) {
        return new Outcome(null, reason);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) throws CharacterCodingException {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : utf8(header.value()).trim();
    }

    private static String utf8(byte[] bytes) throws CharacterCodingException {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
        return chars.toString();
    }
}
