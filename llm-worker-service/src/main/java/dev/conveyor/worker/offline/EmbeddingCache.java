package dev.conveyor.worker.offline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded least-recently-used map from text to its embedding. Label hypotheses are embedded
 * once for the life of the worker, and re-runs or duplicate rows cost no inference.
 * One lock is enough: a lookup takes nanoseconds, the inference it saves milliseconds.
 */
final class EmbeddingCache {

    private final int capacity;
    private final LinkedHashMap<String, float[]> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    EmbeddingCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > EmbeddingCache.this.capacity;
            }
        };
    }

    /** The cached embedding, or null. The caller must not modify it. */
    synchronized float[] get(String text) {
        float[] vector = entries.get(text);
        (vector == null ? misses : hits).incrementAndGet();
        return vector;
    }

    synchronized void put(String text, float[] vector) {
        entries.put(text, vector);
    }

    synchronized int size() {
        return entries.size();
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }
}
