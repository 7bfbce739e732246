package dev.conveyor.review.sessions;

import java.util.LinkedHashMap;
import java.util.Map;

/** An event a command decided on, before it gets its id, sequence number and time. */
public record Change(String type, Map<String, Object> payload) {

    public static Change of(String type, String key, Object value) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(key, value);
        return new Change(type, payload);
    }

    public Change with(String key, Object value) {
        Map<String, Object> payload = new LinkedHashMap<>(this.payload);
        payload.put(key, value);
        return new Change(type, payload);
    }

    /** A deep copy of an entity, to change without touching the state it came from. */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T entity) {
        return (T) SessionJson.read(SessionJson.tree(entity), entity.getClass());
    }
}
