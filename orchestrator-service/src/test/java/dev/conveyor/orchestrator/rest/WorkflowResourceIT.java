package dev.conveyor.orchestrator.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
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
 * The orchestrator's REST edge against a real broker: request validation, and what it answers
 * when the source catalogue (ingest-service, deliberately not running here) cannot be reached.
 * The whole path, budgets included, is tested with the real services in the end-to-end tests.
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
    void shouldNameAnUnknownFailedRowPolicy() {
        given().contentType(ContentType.JSON)
                .body("{\"workflow_name\":\"W\",\"source_connection\":\"S3\",\"processes\":{},"
                        + "\"model\":\"gpt-4\",\"failed_rows\":\"retry\"}")
                .when().post("/workflows")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("processes", "failed_rows"));
    }

    @Test
    void shouldNameEveryBadFieldOfAProcessDefinition() {
        given().contentType(ContentType.JSON)
                .body("""
                        {"workflow_name": "W", "source_connection": "S3", "model": "gpt-4",
                         "processes": {"topic": {"kind": "classify", "template": "no placeholder", "labels": [],
                                                 "temperature": 3},
                                       "people": {"kind": "extract", "template": "{{data_column_1}}",
                                                  "json_schema": {"type": "nope"}},
                                       "odd": {"template": "{{data_column_1}}"}}}
                        """)
                .when().post("/workflows")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("processes.topic.template", "processes.topic.labels",
                        "processes.topic.temperature", "processes.people.json_schema", "processes.odd.kind"));
    }

    @Test
    void shouldRejectABadBudgetNamingItsFields() {
        given().contentType(ContentType.JSON)
                .body("{\"budget\": {\"max_cost_usd\": -1, \"max_tokens\": \"many\"}}")
                .when().post("/workflows/00000000-0000-0000-0000-000000000001/runs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("budget.max_cost_usd", "budget.max_tokens"));
    }

    @Test
    void shouldRejectAMalformedRunBodyNamingTheBody() {
        given().contentType(ContentType.JSON).body("{\"budget\": ")
                .when().post("/workflows/00000000-0000-0000-0000-000000000001/runs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"));
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

    @Test
    void shouldTakeAnEmptyJsonBodyAsARunWithoutBudget() {
        // Past the budget check, the unknown workflow answers 404: an empty body is no error.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().contentType(ContentType.JSON).body("")
                        .when().post("/workflows/00000000-0000-0000-0000-000000000001/runs")
                        .then().statusCode(404)
                        .body("errors[0].field", equalTo("workflow_id")));
    }
}
