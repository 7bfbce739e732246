package dev.conveyor.worker.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OfflineEmbeddingCacheTest {

    @Test
    void shouldEvictTheLeastRecentlyUsedText() {
        EmbeddingCache cache = new EmbeddingCache(2);
        cache.put("a", new float[] {1});
        cache.put("b", new float[] {2});
        cache.get("a");

        cache.put("c", new float[] {3});

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).containsExactly(1);
        assertThat(cache.get("c")).containsExactly(3);
    }

    @Test
    void shouldCountHitsAndMisses() {
        EmbeddingCache cache = new EmbeddingCache(4);
        cache.get("a");
        cache.put("a", new float[] {1});
        cache.get("a");
        cache.get("a");

        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void shouldRejectANonPositiveCapacity() {
        assertThatThrownBy(() -> new EmbeddingCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
