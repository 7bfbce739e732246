package dev.conveyor.review.paths;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.paths.messaging.PathOutbox;
import dev.conveyor.review.paths.repository.PathRepository;
import dev.conveyor.review.paths.repository.PathRepository.AppendRow;
import dev.conveyor.review.paths.service.PathService;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Group commit of appends against the real PostgreSQL: a batch keeps each append's own version
 * check, is all or nothing, and under concurrent clients every append applies exactly once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class PathGroupCommitIT {

    @Inject
    PathRepository repository;

    @Inject
    PathService service;

    @Inject
    PathOutbox outbox;

    @Test
    void shouldCheckEachAppendsVersionInABatchSoASecondAppendAtTheSameVersionDoesNotApply() {
        List<Path> atVersion2 = twoPathsWithTheirGoal();
        Path firstAt2 = atVersion2.get(0);
        Path secondAt2 = atVersion2.get(1);

        boolean[] applied = repository.appendAllAtVersion(List.of(row(firstAt2, PathFixtures.strategy("true")),
                row(secondAt2, PathFixtures.strategy("true")), row(secondAt2, PathFixtures.strategy("false"))));

        assertThat(applied).containsExactly(true, true, false);
        for (Path path : atVersion2) {
            JsonPath view = view(path.id());
            assertThat(view.getLong("version")).isEqualTo(3);
            assertThat(view.getList("steps.step")).containsExactly("add_research_goal", "add_research_strategy");
        }
        assertThat(view(secondAt2.id()).getBoolean("steps[1].data.researchable"))
                .as("the batch's first append at version 2 applied, the second did not").isTrue();
    }

    @Test
    void shouldWriteNothingOfABatchThatFails() {
        List<Path> atVersion2 = twoPathsWithTheirGoal();
        Path at2 = atVersion2.get(0);
        Path otherAt2 = atVersion2.get(1);
        AppendRow good = row(otherAt2, PathFixtures.strategy("true"));
        AppendRow valid = row(at2, PathFixtures.strategy("true"));
        // the same step position again, from version 3: the version matches, the step's key does not
        Path at3 = valid.after();
        AppendRow clash = new AppendRow(at3, new Path(at3.id(), at3.workflowId(), at3.status(), at3.version() + 1,
                at3.steps(), at3.aiRequests(), at3.createdAt(), Instant.now()), valid.step(), valid.dataJson(),
                valid.event());

        assertThatThrownBy(() -> repository.appendAllAtVersion(List.of(good, valid, clash)))
                .isInstanceOf(IllegalStateException.class);

        for (Path path : atVersion2) {
            JsonPath view = view(path.id());
            assertThat(view.getLong("version")).as("rolled back with the rest of its batch").isEqualTo(2);
            assertThat(view.getList("steps")).hasSize(1);
        }
        assertThat(repository.appendAtVersion(good)).as("alone it applies").isTrue();
    }

    @Test
    void shouldApplyEveryAppendOfConcurrentClientsOnceAndInOrder() throws Exception {
        String workflowId = PathResourceIT.registerWorkflow();
        int clients = 8;
        List<JsonNode> plan = List.of(PathFixtures.goal(), PathFixtures.strategy("true"),
                PathFixtures.nextProtocol(1, 0), PathFixtures.initialValues(1, "{\"temperature_c\": 80}"),
                PathFixtures.record(1, 0, UUID.randomUUID().toString()), PathFixtures.phased(1),
                PathFixtures.nextProtocol(2, 1), PathFixtures.record(2, 1, UUID.randomUUID().toString()),
                PathFixtures.phased(2));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> paths = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                paths.add(pool.submit(() -> {
                    String pathId = PathResourceIT.start(workflowId).path("path_id");
                    go.await();
                    String etag = "\"1\"";
                    for (JsonNode step : plan) {
                        etag = PathResourceIT.ok(pathId, etag, step);
                    }
                    return pathId;
                }));
            }
            go.countDown();
            for (Future<String> f : paths) {
                JsonPath view = view(f.get(60, TimeUnit.SECONDS));
                assertThat(view.getLong("version")).isEqualTo(plan.size() + 1);
                assertThat(view.getList("steps.position", Integer.class)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
                assertThat(view.getList("steps.step")).containsExactlyElementsOf(
                        plan.stream().map(s -> s.get("step").asText()).toList());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two Paths of a new workflow, each with its goal appended: both at version 2. */
    private List<Path> twoPathsWithTheirGoal() {
        String workflowId = PathResourceIT.registerWorkflow();
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String pathId = PathResourceIT.start(workflowId).path("path_id");
            PathResourceIT.ok(pathId, "\"1\"", PathFixtures.goal());
            paths.add(service.find(pathId).orElseThrow());
        }
        return paths;
    }

    private static JsonPath view(String pathId) {
        return given().get("/paths/{id}", pathId).then().statusCode(200).extract().jsonPath();
    }

    /** An append as the service prepares it: checked by the rules, folded, the event encoded. */
    private AppendRow row(Path before, JsonNode body) {
        PathStep step = PathRules.checkAppend(before, service.workflowOf(before), body);
        String dataJson = PathEvents.write(step.data());
        PathEvent event = PathEvents.appended(before, step, dataJson, null, Instant.now());
        return new AppendRow(before, PathEvents.applyAppended(before, event, step), step, dataJson,
                outbox.encode(event));
    }
}
