package dev.conveyor.review.paths;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.conveyor.review.messaging.TopicReplay;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The write path through the outbox, against the real broker and PostgreSQL: what the tables show
 * reaches the topic in version order, nothing else does, and a batch the relay sends twice (a
 * crash between the broker's acknowledgement and the outbox's commit) rebuilds the same Paths.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class PathOutboxIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    DataSource db;

    @Inject
    TopicReplay replay;

    @Test
    void shouldPutEveryCommittedEventOnTheTopicInVersionOrderAndNothingRefused() throws Exception {
        String workflowId = PathResourceIT.registerWorkflow();
        String id = PathResourceIT.start(workflowId).path("path_id");
        String etag = PathResourceIT.ok(id, "\"1\"", PathFixtures.goal());
        PathResourceIT.append(id, "\"1\"", PathFixtures.goal()).then().statusCode(412); // lost race
        etag = PathResourceIT.ok(id, etag, PathFixtures.strategy("true"));
        PathResourceIT.append(id, etag, PathFixtures.goal()).then().statusCode(409); // refused by the rules

        await("the Path's events on the topic").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> eventsOf(id).size() >= 3);
        List<PathEvent> events = eventsOf(id);
        assertThat(events).extracting(PathEvent::getVersion).containsExactly(1L, 2L, 3L);
        assertThat(events).extracting(e -> e.getChange().getClass().getSimpleName())
                .containsExactly("PathStarted", "PathStepAppended", "PathStepAppended");
        assertThat(given().get("/paths/{id}", id).header("ETag")).isEqualTo("\"3\"");
        await("the outbox emptied").atMost(DEADLINE).until(() -> outboxRows(id) == 0);
    }

    @Test
    void shouldRebuildTheSamePathsWhenTheRelaySentABatchTwice() throws Exception {
        String workflowId = PathResourceIT.registerWorkflow();
        String id = PathResourceIT.start(workflowId).path("path_id");
        String etag = PathResourceIT.ok(id, "\"1\"", PathFixtures.goal());
        etag = PathResourceIT.ok(id, etag, PathFixtures.strategy("true"));
        etag = PathResourceIT.ok(id, etag, PathFixtures.nextProtocol(1, 0));
        String before = snapshot(id);
        await("sent once").atMost(DEADLINE).until(() -> eventsOf(id).size() == 4 && outboxRows(id) == 0);

        // the relay's transaction did not commit after the broker took the batch: the rows are back
        List<PathEvent> sent = eventsOf(id);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into path_outbox (aggregate_id, version, event) values (?, ?, ?)")) {
            for (PathEvent e : sent) {
                ps.setObject(1, UUID.fromString(id));
                ps.setLong(2, e.getVersion());
                ps.setBytes(3, Topics.PATH_EVENTS.valueSerde().serializer().serialize(Topics.PATH_EVENTS.name(), e));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        await("sent twice").atMost(DEADLINE).until(() -> eventsOf(id).size() == 8 && outboxRows(id) == 0);

        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("truncate path_ai_requests, path_steps, paths, research_workflows");
        }
        Response rebuilt = given().post("/admin/paths/rebuild");
        assertThat(rebuilt.statusCode()).as(rebuilt.asString()).isEqualTo(200);
        assertThat(rebuilt.<Integer>path("duplicates")).isGreaterThanOrEqualTo(4);
        assertThat(snapshot(id)).isEqualTo(before);
        // and the Path goes on from the version it had
        PathResourceIT.ok(id, etag, PathFixtures.initialValues(1, "{\"temperature_c\": 90}"));
        await("the next version once").atMost(DEADLINE).until(() -> eventsOf(id).stream()
                .filter(e -> e.getVersion() == 5).count() == 1);
    }

    private List<PathEvent> eventsOf(String pathId) {
        List<PathEvent> out = new ArrayList<>();
        replay.replayAll(Topics.PATH_EVENTS, batch -> batch.stream()
                .filter(e -> e.getAggregateId().equals(pathId)).forEach(out::add));
        return out;
    }

    private long outboxRows(String pathId) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from path_outbox where aggregate_id = ?")) {
            ps.setObject(1, UUID.fromString(pathId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String snapshot(String id) {
        Response path = given().get("/paths/{id}", id);
        assertThat(path.statusCode()).isEqualTo(200);
        return path.header("ETag") + "\n" + path.asString() + "\n" + given().get("/paths/{id}/feedback", id).asString();
    }
}
