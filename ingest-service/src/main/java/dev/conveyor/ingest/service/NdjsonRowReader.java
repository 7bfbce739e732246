package dev.conveyor.ingest.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * Reads NDJSON one line at a time from a stream: each line one JSON object of column to value,
 * UTF-8 (a BOM before the first line is skipped), blank lines ignored. A line that is not valid
 * UTF-8, not a JSON object, or longer than {@code maxLineBytes} is a bad line on its own; an
 * over-long line is skipped without being held in memory.
 */
public final class NdjsonRowReader implements RowReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private final InputStream in;
    private final int maxLineBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long lineNumber;
    private boolean ended;
    private ParsedRow next;

    public NdjsonRowReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !ended) {
            next = readLine();
        }
        return next != null;
    }

    @Override
    public ParsedRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ParsedRow row = next;
        next = null;
        return row;
    }

    /** @return the next row or bad line, or null for a blank line (and at the end) */
    private ParsedRow readLine() {
        line.reset();
        boolean tooLong = false;
        boolean sawAny = false;
        try {
            int b;
            while ((b = in.read()) != -1) {
                sawAny = true;
                if (b == '\n') {
                    break;
                }
                if (line.size() < maxLineBytes) {
                    line.write(b);
                } else {
                    tooLong = true; // read on to the end of the line, keeping nothing
                }
            }
            if (b == -1) {
                ended = true;
                if (!sawAny) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lineNumber++;
        if (tooLong) {
            return ParsedRow.bad(lineNumber, "the line is longer than " + maxLineBytes + " bytes");
        }
        byte[] bytes = line.toByteArray();
        int start = 0;
        if (lineNumber == 1 && bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        int end = bytes.length;
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            return ParsedRow.bad(lineNumber, "the line is not valid UTF-8 text");
        }
        if (text.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return ParsedRow.bad(lineNumber, "malformed JSON: " + e.getOriginalMessage());
        }
        String problem = RowBatchParser.problemWith(node);
        return problem != null ? ParsedRow.bad(lineNumber, problem)
                : ParsedRow.ok(lineNumber, RowBatchParser.columnsOf(node));
    }
}
