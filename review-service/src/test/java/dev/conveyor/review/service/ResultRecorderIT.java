package dev.conveyor.review.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.review.messaging.TaskEventMapper;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A task and its result applied by two writers at once (two review instances, whose partitions
 * of the two topics differ): upserts never collide on the primary key, and the outcome wins
 * whichever lands first.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class ResultRecorderIT {

    @Inject
    ResultRecorder recorder;

    @Inject
    ResultQueryService queries;

    @Inject
    javax.sql.DataSource db;

    /**
     * Listing results reads and writes nothing: a read that flushed the rows it loaded would write
     * back the state it saw, and put a row a concurrent batch had just Completed back to Pending.
     * PostgreSQL gives every row version a new {@code xmin}: the same xmin means no write.
     */
    @Test
    void shouldWriteNothingWhenTheResultsAreRead() throws Exception {
        String workflowId = UUID.randomUUID().toString();
        String runId = UUID.randomUUID().toString();
        List<ResultEvent> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
            ids.add(task.taskId());
            events.add(TaskEventMapper.toResultEvent(task.issued()));
            if (i % 2 == 0) {
                events.add(TaskEventMapper.toResultEvent(task.completed("Positive", task.issuedAt().plusMillis(3))));
            }
        }
        recorder.apply(events);
        java.util.Map<String, String> before = rowVersions(runId);
        assertThat(before).hasSize(20);

        queries.list(new dev.conveyor.review.ResultFilter(UUID.fromString(workflowId), null, null,
                UUID.fromString(runId)), 0, 100);
        queries.progress(UUID.fromString(workflowId), UUID.fromString(runId));
        queries.totals(UUID.fromString(runId));
        queries.find(UUID.fromString(ids.get(0)));
        given().queryParam("run_id", runId).get("/workflows/{id}/results", workflowId).then().statusCode(200);

        assertThat(rowVersions(runId)).as("row versions (xmin) after the reads").isEqualTo(before);
    }

    private java.util.Map<String, String> rowVersions(String runId) throws java.sql.SQLException {
        java.util.Map<String, String> versions = new java.util.HashMap<>();
        try (var connection = db.getConnection();
                var query = connection.prepareStatement(
                        "select result_id, xmin::text from results where run_id = ?")) {
            query.setObject(1, UUID.fromString(runId));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return versions;
    }

    @Test
    void shouldApplyATaskAndItsResultFromTwoWritersAtOnceWithoutAConflict() throws Exception {
        String workflowId = UUID.randomUUID().toString();
        String runId = UUID.randomUUID().toString();
        List<ResultEvent> issued = new ArrayList<>();
        List<ResultEvent> finished = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
            ids.add(task.taskId());
            issued.add(TaskEventMapper.toResultEvent(task.issued()));
            finished.add(TaskEventMapper.toResultEvent(task.completed("Positive", task.issuedAt().plusMillis(3))));
        }
        ExecutorService writers = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<ResultRecorder.Applied>> runs = new ArrayList<>();
            for (List<ResultEvent> events : List.of(issued, finished, issued, finished)) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return recorder.apply(events);
                }, writers));
            }
            start.countDown();
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            // 200 inserted Pending or Completed, at most 200 moved Pending -> Completed, the rest unchanged
            int changed = runs.stream().mapToInt(r -> r.join().changed()).sum();
            assertThat(changed).isBetween(200, 400);
        } finally {
            writers.shutdownNow();
        }
        for (String id : ids) {
            given().get("/results/{id}", id).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("Completed"))
                    .body("result", org.hamcrest.Matchers.equalTo("Positive"));
        }
    }

    private static void await(CountDownLatch start) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
