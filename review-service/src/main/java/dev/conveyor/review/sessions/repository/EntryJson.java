package dev.conveyor.review.sessions.repository;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.conveyor.review.sessions.SessionJson;

/**
 * The JSON of each field and finding entry, kept while the entry lives. Entries of a committed
 * state are never changed (a change replaces the entry), so an entry's JSON is computed once: when
 * its row is written or when it is first answered. A session's answer then costs one pass of
 * lookups for its unchanged entries instead of serializing all of them again.
 */
final class EntryJson {

    /** Keyed by the entry itself (by identity, weakly): dropped with the entry. Lock-free reads. */
    private static final Cache<Object, SerializedString> BY_ENTRY = Caffeine.newBuilder().weakKeys().build();

    private EntryJson() {
    }

    static String of(Object entry) {
        return kept(entry).getValue();
    }

    /** The entry's JSON; its UTF-8 bytes are also kept once an answer asked for them. */
    private static SerializedString kept(Object entry) {
        return BY_ENTRY.get(entry, e -> new SerializedString(SessionJson.write(e)));
    }

    /** Writes a list element from its kept JSON: the same bytes the mapper would write. */
    static final class Serializer extends StdSerializer<Object> {
        Serializer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object entry, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeRawValue(kept(entry));
        }
    }
}
