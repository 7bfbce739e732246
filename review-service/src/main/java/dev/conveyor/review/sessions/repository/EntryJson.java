package dev.conveyor.review.sessions.repository;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import dev.conveyor.review.sessions.SessionJson;

/**
 * The JSON of each field and finding entry, kept while the entry lives. Entries of a committed
 * state are never changed (a change replaces the entry), so an entry's JSON is computed once: when
 * its row is written or when it is first answered. A session's answer then costs one pass of
 * lookups for its unchanged entries instead of serializing all of them again.
 */
final class EntryJson {

    /** Keyed by the entry itself (the entry classes keep identity equality); dropped with the entry. */
    private static final Map<Object, String> BY_ENTRY = Collections.synchronizedMap(new WeakHashMap<>());

    private EntryJson() {
    }

    static String of(Object entry) {
        String json = BY_ENTRY.get(entry);
        if (json == null) {
            json = SessionJson.write(entry);
            BY_ENTRY.put(entry, json);
        }
        return json;
    }

    /** Writes a list element from its kept JSON: the same bytes the mapper would write. */
    static final class Serializer extends StdSerializer<Object> {
        Serializer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object entry, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeRawValue(of(entry));
        }
    }
}
