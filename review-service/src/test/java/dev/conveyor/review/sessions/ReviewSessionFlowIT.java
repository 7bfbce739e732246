package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A session from intake to export against the real broker, PostgreSQL and the fake Superset:
 * intake builds the profile, fields and findings; a dictionary enriches; a manual value stays;
 * clarification answers; If-Match guards; exports download.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class ReviewSessionFlowIT {

    static final int ORDERS = 4101;
    static final SessionApi OWNER = new SessionApi("owner-flow");

    @BeforeAll
    static void datasets() {
        ObjectNode orders = FakeSupersetServer.table(ORDERS, "orders", "sales", "warehouse", null);
        FakeSupersetServer.column(orders, "order_id", "BIGINT", "Order", "Unique order number");
        FakeSupersetServer.column(orders, "cust_region", "VARCHAR(32)", null, null);
        FakeSupersetServer.column(orders, "order_total", "NUMERIC(12,2)", null, null);
        FakeSupersetServer.metric(orders, "revenue", "SUM(order_total)", "Revenue", null, null);
        SessionTestEnvironment.superset().dataset(orders);
    }

    @Test
    void intakeBuildsTheProfileFieldsAndFindings() {
        JsonPath s = OWNER.created(ORDERS);
        assertThat(s.getString("status")).isEqualTo("active");
        assertThat(s.getString("dataset_ref")).isEqualTo("superset://test/dataset/" + ORDERS);
        assertThat(s.getString("profile.dataset_name")).isEqualTo("orders");
        assertThat(s.getString("profile.schema_name")).isEqualTo("sales");
        assertThat(s.getString("profile.database_name")).isEqualTo("warehouse");
        assertThat(s.getString("profile.dataset_type")).isEqualTo("table");
        assertThat(s.getString("profile.business_summary_source")).isEqualTo("inferred");
        assertThat(s.getString("profile.business_summary")).contains("orders");
        assertThat(s.getList("fields.field_name")).containsExactly("order_id", "cust_region", "order_total",
                "revenue");
        assertThat(s.getList("fields.field_kind")).containsExactly("column", "column", "column", "metric");
        assertThat(s.getList("findings.code")).contains("field_meaning_missing", "dataset_description_missing",
                "metric_format_missing");
        // the dataset has no description: the profile is reviewed first
        assertThat(s.getString("readiness_state")).isEqualTo("review_ready");
        assertThat(s.getString("recommended_action")).isEqualTo("review_documentation");
        assertThat(s.getString("current_phase")).isEqualTo("review");
        assertThat(s.getBoolean("profile.has_warning_findings")).isTrue();
        assertThat(s.getString("profile.confidence_state")).isEqualTo("low_confidence");
        assertThat(SessionTestEnvironment.superset().requests()).contains("POST /api/v1/security/login",
                "GET /api/v1/security/csrf_token/", "GET /api/v1/dataset/" + ORDERS);
    }

    @Test
    void describingTheDatasetResolvesItsFindingAndMovesReadinessOn() {
        String id = OWNER.created(ORDERS).getString("session_id");
        JsonPath s = OWNER.request().body(Map.of("description", "Orders placed in the web shop, one row each"))
                .patch("/review-sessions/{id}/profile", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("findings.find { it.code == 'dataset_description_missing' }.resolution_state"))
                .isEqualTo("resolved");
        assertThat(s.getString("readiness_state")).isEqualTo("clarification_needed");
        assertThat(s.getString("recommended_action")).isEqualTo("start_clarification");
    }

    @Test
    void ifMatchWithAnOldVersionIsRefusedWith412AndChangesNothing() {
        JsonPath created = OWNER.created(ORDERS);
        String id = created.getString("session_id");
        String etag = OWNER.request().get("/review-sessions/{id}", id).then().statusCode(200).extract()
                .header("ETag");
        OWNER.request().header("If-Match", etag).body(Map.of("description", "first"))
                .patch("/review-sessions/{id}/profile", id).then().statusCode(200);
        OWNER.request().header("If-Match", etag).body(Map.of("description", "second"))
                .patch("/review-sessions/{id}/profile", id).then().statusCode(412)
                .contentType("application/problem+json").body("errors[0].field", equalTo("If-Match"));
        assertThat(OWNER.get(id).getString("profile.description")).isEqualTo("first");
    }

    @Test
    void eventsAreLoggedInOrder() {
        String id = OWNER.created(ORDERS).getString("session_id");
        List<String> types = OWNER.request().get("/review-sessions/{id}/events", id).then().statusCode(200)
                .extract().jsonPath().getList("type");
        assertThat(types).containsExactly("session_started", "intake_started", "intake_completed");
    }
}
