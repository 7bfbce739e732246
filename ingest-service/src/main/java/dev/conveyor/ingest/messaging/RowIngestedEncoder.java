package dev.conveyor.ingest.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.repository.RowOutboxRepository.Entry;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Writes the {@link RowIngested} of an outbox entry in the platform's single-object encoding,
 * byte for byte what {@code EventSerde} writes, straight from the row's stored columns text: no
 * map, no event object, no generic datum writer per record (the relay's largest CPU cost after
 * Kafka's own, JFR in docs/decisions/09-ingest-relay-workers.md). One instance per relay worker:
 * it reuses its buffer.
 */
public final class RowIngestedEncoder {

    /** Marker and schema fingerprint, taken from the platform's own encoder so the two cannot drift. */
    private static final byte[] HEADER = header();

    private final JsonFactory json = new JsonFactory();
    private byte[] buffer = new byte[1024];
    private int size;

    /**
     * @throws UnencodableRowException when the stored columns are not a JSON object of texts
     */
    public byte[] encode(Entry entry) {
        size = 0;
        raw(HEADER);
        string(entry.referenceId().toString());
        string(entry.sourceConnection());
        columns(entry.columnsJson());
        return finish(entry.createdAt(), entry.batchId());
    }

    /** The same from a row still in memory (an upload publishing while it streams in): no JSON in between. */
    public byte[] encode(SourceRow row) {
        size = 0;
        raw(HEADER);
        string(row.referenceId().toString());
        string(row.sourceConnection());
        Map<String, String> columns = row.columns();
        if (!columns.isEmpty()) {
            zigzag(columns.size());
            for (Map.Entry<String, String> column : columns.entrySet()) {
                string(column.getKey());
                if (column.getValue() == null) {
                    zigzag(0); // union branch 0: null
                } else {
                    zigzag(1);
                    string(column.getValue());
                }
            }
        }
        zigzag(0);
        return finish(row.createdAt(), row.batchId());
    }

    private byte[] finish(Instant createdAt, UUID batchId) {
        zigzag(createdAt.toEpochMilli());
        if (batchId == null) {
            zigzag(0); // union branch 0: null
        } else {
            zigzag(1);
            string(batchId.toString());
        }
        return Arrays.copyOf(buffer, size);
    }

    /**
     * An Avro map of string to [null, string]: one block (its item count, the items), then 0. The
     * count is known only after the items: they are written first, then moved behind it.
     */
    private void columns(String text) {
        int itemsFrom = size;
        int count = 0;
        try (JsonParser parser = json.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new UnencodableRowException("Stored columns are not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                string(parser.currentName());
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    zigzag(0); // union branch 0: null
                } else if (value.isScalarValue()) {
                    zigzag(1);
                    string(parser.getText());
                } else {
                    throw new UnencodableRowException("Stored columns are not a JSON object of texts");
                }
                count++;
            }
        } catch (IOException e) {
            throw new UnencodableRowException("Stored columns are not a JSON object of texts", e);
        }
        if (count > 0) {
            byte[] items = Arrays.copyOfRange(buffer, itemsFrom, size);
            size = itemsFrom;
            zigzag(count);
            raw(items);
        }
        zigzag(0);
    }

    private void string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        zigzag(bytes.length);
        raw(bytes);
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    /** Avro's int and long: zig-zag, then 7 bits a byte, low bits first. */
    private void zigzag(long value) {
        ensure(10);
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buffer[size++] = (byte) n;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    /** A stored row that cannot become a {@link RowIngested}: the relay parks its entry with the reason. */
    public static final class UnencodableRowException extends RuntimeException {
        UnencodableRowException(String message) {
            super(message);
        }

        UnencodableRowException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static byte[] header() {
        RowIngested probe = RowIngested.newBuilder().setReferenceId("").setSourceConnection("")
                .setColumns(Map.of()).setIngestedAt(Instant.EPOCH).build();
        byte[] encoded = Topics.SOURCE_ROWS.valueSerde().serializer().serialize(Topics.SOURCE_ROWS.name(), probe);
        return Arrays.copyOf(encoded, 10); // 0xC3 0x01, then the 8-byte CRC-64-AVRO fingerprint
    }
}
