package dev.conveyor.ingest.service;

import java.io.BufferedInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * Reads CSV (RFC 4180 through Apache Commons CSV: quoted fields, doubled quotes, line breaks in
 * quotes) from a stream, UTF-8 with or without a BOM; the header row names the columns. A record
 * with more or fewer fields than the header is a bad line on its own. What makes the rest of the
 * file unreadable (bad UTF-8, an unterminated quote, a line longer than {@code maxLineBytes})
 * throws {@link UnreadableUploadException}: the whole upload is rejected.
 */
public final class CsvRowReader implements RowReader {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setAllowMissingColumnNames(false)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
            .get();

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;

    public CsvRowReader(InputStream in, int maxLineBytes) {
        try {
            InputStream buffered = skipBom(new BufferedInputStream(in, 64 * 1024));
            Reader reader = new LineLimitReader(new InputStreamReader(buffered, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)), maxLineBytes);
            this.parser = FORMAT.parse(reader);
        } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
            throw new UnreadableUploadException(1, "the CSV header row cannot be read: " + reason(e));
        }
        this.header = parser.getHeaderNames();
        if (header.isEmpty()) {
            throw new UnreadableUploadException(1, "the CSV file is empty: it needs a header row naming the columns");
        }
        for (String name : header) {
            if (name == null || name.isBlank()) {
                throw new UnreadableUploadException(1, "the header row has a blank column name");
            }
        }
        this.records = parser.iterator();
    }

    @Override
    public boolean hasNext() {
        try {
            return records.hasNext();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new UnreadableUploadException(parser.getCurrentLineNumber() + 1,
                    "the CSV cannot be read past line " + (parser.getCurrentLineNumber() + 1) + ": " + reason(e));
        }
    }

    @Override
    public ParsedRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CSVRecord record = records.next();
        // Records count from the header as line 1 (the physical line unless a quoted field spans lines).
        long line = record.getRecordNumber() + 1;
        if (record.size() != header.size()) {
            return ParsedRow.bad(line, "has " + record.size() + " fields, the header has " + header.size());
        }
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            columns.put(header.get(i), record.get(i));
        }
        return ParsedRow.ok(line, columns);
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return "the text is not valid UTF-8";
            }
            if (t instanceof LineTooLongException) {
                return t.getMessage();
            }
        }
        Throwable root = e.getCause() != null ? e.getCause() : e;
        return root.getMessage();
    }

    private static InputStream skipBom(BufferedInputStream in) throws IOException {
        in.mark(3);
        byte[] first = in.readNBytes(3);
        if (!(first.length == 3 && (first[0] & 0xFF) == 0xEF && (first[1] & 0xFF) == 0xBB
                && (first[2] & 0xFF) == 0xBF)) {
            in.reset();
        }
        return in;
    }

    static final class LineTooLongException extends IOException {
        LineTooLongException(String message) {
            super(message);
        }
    }

    /** Fails the read once a physical line exceeds the limit, so a runaway field never fills the heap. */
    private static final class LineLimitReader extends FilterReader {

        private final int maxLineChars;
        private int sinceNewline;

        LineLimitReader(Reader in, int maxLineChars) {
            super(in);
            this.maxLineChars = maxLineChars;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c);
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                count(buffer[offset + i]);
            }
            return n;
        }

        private void count(int c) throws IOException {
            if (c == '\n') {
                sinceNewline = 0;
            } else if (c != -1 && ++sinceNewline > maxLineChars) {
                throw new LineTooLongException("a line is longer than " + maxLineChars + " characters");
            }
        }
    }
}
