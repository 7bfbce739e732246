package dev.conveyor.orchestrator.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The orchestrator's REST edge against a real broker. The whole path with ingest-service and
 * the topology is covered by the end-to-end test; here ingest-service is deliberately not
 * running, which is how the unavailable case is checked.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class WorkflowResourceIT {

    @Test
    void shouldRejectMalformedJsonNamingTheBody() {
        given().contentType(ContentType.JSON).body("{\"workflow_name\": ")
                .when().post("/workflows")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("body"));
    }

    @Test
    void shouldRejectAnEmptyProcessList() {
        given().contentType(ContentType.JSON)
                .body("{\"workflow_name\":\"W\",\"source_connection\":\"S3\",\"processes\":{},\"model\":\"gpt-4\"}")
                .when().post("/workflows")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("processes"));
    }

    @Test
    void shouldAnswer503WhenTheSourceCatalogueIsUnreachable() {
        given().contentType(ContentType.JSON)
                .body("{\"workflow_name\":\"W\",\"source_connection\":\"S3\","
                        + "\"processes\":{\"sentiment\":\"data_column_1\"},\"model\":\"gpt-4\"}")
                .when().post("/workflows")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("ingest-service"));
    }

    @Test
    void shouldRejectAWorkflowIdThatIsNotAUuid() {
        given().when().post("/workflows/not-a-uuid/runs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("workflow_id"));
    }

    @Test
    void shouldAnswer404ForAnUnknownWorkflow() {
        // 503 while the topology is still starting; the store then answers for good.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().when().post("/workflows/00000000-0000-0000-0000-000000000001/runs")
                        .then().statusCode(404)
                        .contentType("application/problem+json")
                        .body("errors[0].field", equalTo("workflow_id")));
    }
}
