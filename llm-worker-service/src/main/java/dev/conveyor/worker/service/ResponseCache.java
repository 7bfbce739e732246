package dev.conveyor.worker.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Answers identical requests (same model, prompt and parameters) without a paid call: re-runs
 * and duplicate rows. Only validated answers are kept, in a bounded LRU; identical requests in
 * flight at the same moment share one call.
 */
public final class ResponseCache {

    /** An answer, and whether it came from the cache. */
    public record Lookup<T>(T value, boolean hit) {
    }

    private final int capacity;
    private final Map<String, Object> entries;
    private final ConcurrentHashMap<String, CompletableFuture<Object>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public ResponseCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > ResponseCache.this.capacity;
            }
        };
    }

    public static String key(ModelRequest request) {
        StringBuilder text = new StringBuilder().append(request.model()).append('\u0000').append(request.system())
                .append('\u0000').append(request.temperature()).append('\u0000').append(request.maxTokens())
                .append('\u0000').append(request.jsonSchema());
        request.turns().forEach(t -> text.append('\u0000').append(t.fromModel()).append(t.text()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cached value for the key, or the one {@code compute} makes (kept when {@code keep}
     * says so). Concurrent callers with the same key wait for one computation.
     */
    @SuppressWarnings("unchecked")
    public <T> Lookup<T> get(String key, Supplier<T> compute, java.util.function.Predicate<T> keep) {
        if (capacity <= 0) {
            return new Lookup<>(compute.get(), false);
        }
        synchronized (entries) {
            Object cached = entries.get(key);
            if (cached != null) {
                hits.incrementAndGet();
                return new Lookup<>((T) cached, true);
            }
        }
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            Object shared = running.join();
            if (shared != null) {
                hits.incrementAndGet();
                return new Lookup<>((T) shared, true);
            }
            return new Lookup<>(compute.get(), false); // the other call's answer was not kept
        }
        misses.incrementAndGet();
        T value = null;
        try {
            value = compute.get();
            if (value != null && keep.test(value)) {
                synchronized (entries) {
                    entries.put(key, value);
                }
                mine.complete(value);
            } else {
                mine.complete(null);
            }
            return new Lookup<>(value, false);
        } catch (RuntimeException | Error e) {
            mine.complete(null);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }
}
