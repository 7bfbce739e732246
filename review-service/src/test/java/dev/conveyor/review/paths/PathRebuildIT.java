package dev.conveyor.review.paths;

import static dev.conveyor.review.paths.PathFixtures.JSON;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The tables are only a view: emptied, they come back identical from conveyor.path-events. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class PathRebuildIT {

    @Inject
    DataSource db;

    @Test
    void shouldRebuildIdenticalPathsFromTheTopicAfterTheTablesAreEmptied() throws Exception {
        String workflowId = PathResourceIT.registerWorkflow();
        List<String> ids = List.of(path(workflowId, 0), path(workflowId, 1), path(workflowId, 2), path(workflowId, 3));
        Map<String, String> before = new LinkedHashMap<>();
        for (String id : ids) {
            before.put(id, snapshot(id));
        }
        JsonNode workflowBefore = JSON.readTree(given().get("/research-workflows/{id}", workflowId).asString());

        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("truncate path_ai_requests, path_steps, paths, research_workflows");
        }
        given().get("/paths/{id}", ids.get(0)).then().statusCode(404);
        assertThat(given().queryParam("workflow_id", workflowId).get("/paths").then().extract().<Integer>path("total"))
                .isZero();

        Response rebuilt = given().post("/admin/paths/rebuild");
        assertThat(rebuilt.statusCode()).as(rebuilt.asString()).isEqualTo(200);
        assertThat(rebuilt.<Integer>path("paths")).isGreaterThanOrEqualTo(ids.size());

        for (String id : ids) {
            assertThat(snapshot(id)).as("Path " + id).isEqualTo(before.get(id));
        }
        assertThat(JSON.readTree(given().get("/research-workflows/{id}", workflowId).asString()))
                .isEqualTo(workflowBefore);
        assertThat(given().queryParam("workflow_id", workflowId).get("/paths").then().extract().<Integer>path("total"))
                .isEqualTo(ids.size());
        // and the rebuilt Path takes the next write at the version it had
        String etag = given().get("/paths/{id}", ids.get(0)).header("ETag");
        given().contentType(ContentType.JSON).header("If-Match", etag).body(PathFixtures.goal().toString())
                .post("/paths/{id}/steps", ids.get(0)).then().statusCode(409);
    }

    /** A Path in one of several shapes: edited, ended, with a removed record reference, completed. */
    private static String path(String workflowId, int shape) {
        String id = PathResourceIT.start(workflowId).path("path_id");
        String etag = PathResourceIT.ok(id, "\"1\"", PathFixtures.goal());
        etag = PathResourceIT.ok(id, etag, PathFixtures.strategy("true"));
        if (shape == 0) {
            return id;
        }
        etag = PathResourceIT.ok(id, etag, PathFixtures.nextProtocol(1, shape % 3));
        etag = PathResourceIT.ok(id, etag, PathFixtures.initialValues(1, shape % 3 == 0
                ? "{\"temperature_c\": 90}" : "{}"));
        String recordId = UUID.randomUUID().toString();
        etag = PathResourceIT.ok(id, etag, PathFixtures.record(1, shape % 3, recordId));
        if (shape == 2) {
            etag = given().queryParam("confirm", true).header("If-Match", etag)
                    .delete("/paths/{id}/records/{r}", id, recordId).then().statusCode(200).extract().header("ETag");
        }
        etag = given().contentType(ContentType.JSON).header("If-Match", etag)
                .body("{\"data\": {\"thought\": null, \"goal\": \"Edited goal " + shape + "\"}}")
                .put("/paths/{id}/steps/0", id).then().statusCode(200).extract().header("ETag");
        if (shape == 3) {
            etag = PathResourceIT.ok(id, etag, PathFixtures.phased(1));
            etag = PathResourceIT.ok(id, etag, PathFixtures.nextProtocol(2, null));
            etag = given().header("If-Match", etag).post("/paths/{id}/confirm-ending", id).then().statusCode(200)
                    .extract().header("ETag");
            PathResourceIT.ok(id, etag, PathFixtures.finalConclusion(2));
        }
        return id;
    }

    private static String snapshot(String id) {
        Response path = given().get("/paths/{id}", id);
        assertThat(path.statusCode()).isEqualTo(200);
        return path.header("ETag") + "\n" + path.asString() + "\n" + given().get("/paths/{id}/record", id).asString()
                + "\n" + given().get("/paths/{id}/feedback", id).asString();
    }
}
