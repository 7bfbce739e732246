package dev.conveyor.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchConsumerLoopTest {

    private static final String TOPIC = "rows";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /** The last offset committed, readable after the consumer is closed. */
    private volatile OffsetAndMetadata committed;
    /** Everything added to the partition: the mock forgets what it returned, a log does not. */
    private final List<ConsumerRecord<byte[], byte[]>> log = new CopyOnWriteArrayList<>();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            committed = offsets.get(PARTITION);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            log.stream().filter(record -> record.offset() >= offset).forEach(this::addRecord);
        }
    };
    private BatchConsumerLoop<List<Long>> loop;

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void shouldPrepareTheNextBatchWhileOneIsStoredAndCommitEachOnlyOnceItIsStored() throws Exception {
        CountDownLatch firstStoreMayEnd = new CountDownLatch(1);
        List<List<Long>> prepared = new CopyOnWriteArrayList<>();
        List<List<Long>> stored = new CopyOnWriteArrayList<>();
        loop = start(new BatchConsumerLoop.BatchHandler<>() {
            @Override
            public List<Long> prepare(ConsumerRecords<byte[], byte[]> records) {
                List<Long> offsets = offsets(records);
                prepared.add(offsets);
                return offsets;
            }

            @Override
            public void store(List<Long> batch) {
                if (batch.get(0) == 0L) {
                    awaitLatch(firstStoreMayEnd);
                }
                stored.add(batch);
            }
        }, 4);

        await().atMost(DEADLINE).until(() -> prepared.size() >= 2);
        assertThat(prepared).startsWith(List.of(0L, 1L), List.of(2L, 3L));
        assertThat(stored).isEmpty();
        assertThat(committed()).isNull();

        firstStoreMayEnd.countDown();
        await().atMost(DEADLINE).until(() -> committed() != null && committed().offset() == 4);
        assertThat(stored).containsExactly(List.of(0L, 1L), List.of(2L, 3L));
    }

    @Test
    void shouldReadAFailedBatchAndTheOneBehindItAgainAndCommitNothingPastIt() {
        AtomicInteger attempts = new AtomicInteger();
        List<List<Long>> stored = new CopyOnWriteArrayList<>();
        loop = start(storing(batch -> {
            if (batch.get(0) == 0L && attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("database away");
            }
            stored.add(batch);
        }), 4);

        await().atMost(DEADLINE).until(() -> committed() != null && committed().offset() == 4);
        assertThat(attempts).hasValue(2);
        assertThat(stored).containsExactly(List.of(0L, 1L), List.of(2L, 3L));
        assertThat(loop.state().consecutiveFailures()).isZero();
        assertThat(loop.state().lastFailure()).contains("database away");
        assertThat(loop.state().running()).isTrue();
    }

    @Test
    void shouldCommitTheBatchBeingStoredWhenClosed() {
        CountDownLatch storeStarted = new CountDownLatch(1);
        CountDownLatch storeMayEnd = new CountDownLatch(1);
        loop = start(storing(batch -> {
            storeStarted.countDown();
            awaitLatch(storeMayEnd);
        }), 2);
        awaitLatch(storeStarted);
        assertThat(committed()).isNull();

        Thread release = new Thread(storeMayEnd::countDown);
        release.start();
        loop.close();

        assertThat(loop.state().running()).isFalse();
        assertThat(consumer.closed()).isTrue();
        assertThat(committed()).isNotNull();
        assertThat(committed().offset()).isEqualTo(2);
    }

    /** A loop over {@code records} records in batches of two (one partition, offsets from 0). */
    private BatchConsumerLoop<List<Long>> start(BatchConsumerLoop.BatchHandler<List<Long>> handler, int records) {
        consumer.setMaxPollRecords(2);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            for (long offset = 0; offset < records; offset++) {
                ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TOPIC, 0, offset, new byte[0], new byte[0]);
                log.add(record);
                consumer.addRecord(record);
            }
        });
        return new BatchConsumerLoop<>("test", TOPIC, consumer, handler, Duration.ofMillis(10),
                Duration.ofMillis(10), Duration.ofMillis(50)).start();
    }

    /** A handler whose batches are the polled offsets, stored by {@code store}. */
    private static BatchConsumerLoop.BatchHandler<List<Long>> storing(Consumer<List<Long>> store) {
        return new BatchConsumerLoop.BatchHandler<>() {
            @Override
            public List<Long> prepare(ConsumerRecords<byte[], byte[]> records) {
                return offsets(records);
            }

            @Override
            public void store(List<Long> batch) {
                store.accept(batch);
            }
        };
    }

    private OffsetAndMetadata committed() {
        return committed;
    }

    private static List<Long> offsets(ConsumerRecords<byte[], byte[]> records) {
        return StreamSupport.stream(records.spliterator(), false).map(ConsumerRecord::offset).toList();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
