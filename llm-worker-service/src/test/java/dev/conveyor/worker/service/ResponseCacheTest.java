package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    @Test
    void shouldShareOneCallAmongIdenticalRequestsInFlight() throws Exception {
        ResponseCache cache = new ResponseCache(10);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ResponseCache.Lookup<String>> first = pool.submit(() -> cache.get("k", () -> {
                calls.incrementAndGet();
                await(release);
                return "answer";
            }, v -> true));
            // The second caller arrives while the first call is still running.
            while (calls.get() == 0) {
                Thread.onSpinWait();
            }
            Future<ResponseCache.Lookup<String>> second = pool.submit(() -> cache.get("k", () -> {
                calls.incrementAndGet();
                return "other";
            }, v -> true));
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS).hit()).isFalse();
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(new ResponseCache.Lookup<>("answer", true));
            assertThat(calls).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldEvictTheLeastRecentlyUsed() {
        ResponseCache cache = new ResponseCache(2);
        cache.get("a", () -> "A", v -> true);
        cache.get("b", () -> "B", v -> true);
        cache.get("a", () -> "A2", v -> true);
        cache.get("c", () -> "C", v -> true);

        assertThat(cache.get("a", () -> "new", v -> true).hit()).isTrue();
        assertThat(cache.get("b", () -> "new", v -> true).hit()).as("b was the least recently used").isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
