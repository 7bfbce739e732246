package dev.conveyor.review.paths.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> alone = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch heldInFlight = new CountDownLatch(1);
    private final CountDownLatch releaseHeld = new CountDownLatch(1);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aWriteWithNobodyElseGoesOutAloneAtOnce() {
        GroupCommit<String> group = new GroupCommit<>(recordBatch(items -> true), recordAlone(item -> true), 64);

        assertThat(group.write("a")).isTrue();

        assertThat(alone).containsExactly("a");
        assertThat(batches).isEmpty();
    }

    @Test
    void writesThatArriveDuringAWriteGoOutTogetherInTheNext() throws Exception {
        GroupCommit<String> group = new GroupCommit<>(recordBatch(item -> !item.equals("c")),
                recordAloneHolding("a", item -> true), 64);

        Future<Boolean> first = startHeld(group, "a");
        Map<String, Future<Boolean>> later = queueBehindHeld(group, List.of("b", "c", "d"));

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(later.get("b").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(later.get("c").get(10, TimeUnit.SECONDS)).as("its own outcome: not applied").isFalse();
        assertThat(later.get("d").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(alone).containsExactly("a");
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aFailedBatchIsWrittenAloneSoOnlyTheWriteAtFaultFails() throws Exception {
        GroupCommit<String> group = new GroupCommit<>(items -> {
            batches.add(List.copyOf(items));
            throw new IllegalStateException("duplicate key in the batch");
        }, recordAloneHolding("a", item -> {
            if (item.equals("bad")) {
                throw new IllegalStateException("duplicate key: bad");
            }
            return !item.equals("moved");
        }), 64);

        Future<Boolean> first = startHeld(group, "a");
        Map<String, Future<Boolean>> later = queueBehindHeld(group, List.of("good", "bad", "moved"));

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(later.get("good").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(later.get("moved").get(10, TimeUnit.SECONDS)).isFalse();
        assertThatThrownBy(() -> later.get("bad").get(10, TimeUnit.SECONDS)).hasRootCauseMessage("duplicate key: bad");
        assertThat(batches).hasSize(1);
        assertThat(alone).containsExactlyInAnyOrder("a", "good", "bad", "moved");
    }

    @Test
    void anErrorInABatchReachesEveryWriterOfItAndLeavesNobodyWaiting() throws Exception {
        GroupCommit<String> group = new GroupCommit<>(items -> {
            throw new OutOfMemoryError("no room for the batch");
        }, recordAloneHolding("a", item -> true), 64);

        Future<Boolean> first = startHeld(group, "a");
        Map<String, Future<Boolean>> later = queueBehindHeld(group, List.of("b", "c"));

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (String item : List.of("b", "c")) {
            assertThatThrownBy(() -> later.get(item).get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);
        }
        assertThat(group.write("d")).as("the next write goes out alone").isTrue();
    }

    @Test
    void batchesAreNoLargerThanTheLimit() throws Exception {
        GroupCommit<String> group = new GroupCommit<>(recordBatch(items -> true),
                recordAloneHolding("first", item -> true), 2);

        Future<Boolean> first = startHeld(group, "first");
        Map<String, Future<Boolean>> later = queueBehindHeld(group, List.of("w0", "w1", "w2", "w3", "w4"));

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> f : later.values()) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(2));
        List<String> written = new ArrayList<>(alone);
        batches.forEach(written::addAll);
        assertThat(written).containsExactlyInAnyOrder("first", "w0", "w1", "w2", "w3", "w4");
    }

    @Test
    void manyConcurrentWritersEachGetTheirOwnOutcomeExactlyOnce() throws Exception {
        Map<String, Integer> writes = new ConcurrentHashMap<>();
        Predicate<String> applies = item -> Integer.parseInt(item.substring(1)) % 7 != 0;
        GroupCommit<String> group = new GroupCommit<>(items -> {
            items.forEach(i -> writes.merge(i, 1, Integer::sum));
            boolean[] applied = new boolean[items.size()];
            for (int i = 0; i < applied.length; i++) {
                applied[i] = applies.test(items.get(i));
            }
            return applied;
        }, item -> {
            writes.merge(item, 1, Integer::sum);
            return applies.test(item);
        }, 8);

        List<Future<List<String>>> writers = new ArrayList<>();
        for (int w = 0; w < 16; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                List<String> wrong = new ArrayList<>();
                for (int n = 0; n < 500; n++) {
                    String item = "x" + (writer * 500 + n);
                    if (group.write(item) != applies.test(item)) {
                        wrong.add(item);
                    }
                }
                return wrong;
            }));
        }
        for (Future<List<String>> f : writers) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(writes).hasSize(16 * 500);
        assertThat(writes.values()).containsOnly(1);
    }

    private Function<List<String>, boolean[]> recordBatch(Predicate<String> applies) {
        return items -> {
            batches.add(List.copyOf(items));
            boolean[] applied = new boolean[items.size()];
            for (int i = 0; i < applied.length; i++) {
                applied[i] = applies.test(items.get(i));
            }
            return applied;
        };
    }

    private Predicate<String> recordAlone(Predicate<String> applies) {
        return item -> {
            alone.add(item);
            return applies.test(item);
        };
    }

    /** As {@link #recordAlone}, but the write of {@code held} stays in flight until the queued writes wait. */
    private Predicate<String> recordAloneHolding(String held, Predicate<String> applies) {
        return recordAlone(item -> {
            if (item.equals(held)) {
                heldInFlight.countDown();
                awaitLatch(releaseHeld);
            }
            return applies.test(item);
        });
    }

    /** Starts the held write and returns once it is in flight. */
    private Future<Boolean> startHeld(GroupCommit<String> group, String held) {
        Future<Boolean> write = pool.submit(() -> group.write(held));
        awaitLatch(heldInFlight);
        return write;
    }

    /** Starts these writes while the held one is in flight, and releases it once all of them wait. */
    private Map<String, Future<Boolean>> queueBehindHeld(GroupCommit<String> group, List<String> items) {
        Map<String, Future<Boolean>> writes = new LinkedHashMap<>();
        for (String item : items) {
            writes.put(item, pool.submit(() -> group.write(item)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == items.size());
        releaseHeld.countDown();
        return writes;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
