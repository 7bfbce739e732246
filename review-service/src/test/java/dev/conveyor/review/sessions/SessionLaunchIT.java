package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.FakeSupersetSqlLab;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Template variables, mappings with approvals, the compiled preview and the SQL Lab launch against
 * the real broker, PostgreSQL and the fake Superset (which really renders the dataset's Jinja):
 * filters made with the filters API map onto three Jinja variables, Superset compiles the preview,
 * an edit makes it stale at once, the launch is refused for each unmet condition in turn and then
 * runs; Superset failing at chart data or SQL Lab leaves the session resumable with a finding.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionLaunchIT {

    static final int ORDERS = 4301;
    static final int PLAIN = 4302;
    static final ObjectMapper JSON = new ObjectMapper();
    static final SessionApi OWNER = new SessionApi("owner-launch");
    static final SessionApi APPROVER = new SessionApi("approver-launch");
    static final SessionApi REVIEWER = new SessionApi("reviewer-launch");
    static final SessionApi VIEWER = new SessionApi("viewer-launch");
    static final SessionApi STRANGER = new SessionApi("stranger-launch");

    static final String ORDERS_SQL = "SELECT order_id, region, status, order_date, order_total\n"
            + "FROM sales.orders\n"
            + "WHERE region IN ({{ \"'\" ~ filter_values('region')|join(\"', '\") ~ \"'\" }})\n"
            + "  AND order_date >= '{{ url_param('start_date') }}'\n"
            + "  {% if filter_values('order_status') %}AND status IN ({% for s in filter_values('order_status') %}"
            + "'{{ s }}'{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}\n"
            + "  AND tenant = '{{ tenant }}'\n"
            + "LIMIT {{ max_rows }}";

    @BeforeAll
    static void datasets() {
        ObjectNode orders = FakeSupersetServer.virtual(ORDERS, "orders_by_region", "sales", "warehouse", ORDERS_SQL,
                false);
        orders.put("description", "Orders by region for the regional sales review");
        orders.put("template_params", "{\"max_rows\": 500}");
        FakeSupersetServer.column(orders, "order_id", "BIGINT", "Order", "Unique order number");
        FakeSupersetServer.column(orders, "region", "VARCHAR(16)", "Region", "Sales region of the order");
        FakeSupersetServer.column(orders, "status", "VARCHAR(16)", "Order status", "Fulfilment state");
        FakeSupersetServer.column(orders, "order_date", "DATE", "Order date", "Day the order was placed");
        FakeSupersetServer.column(orders, "order_total", "NUMERIC(12,2)", "Order total", "Gross amount");
        SessionTestEnvironment.superset().dataset(orders);

        ObjectNode plain = FakeSupersetServer.virtual(PLAIN, "recent_orders", "sales", "warehouse",
                "SELECT order_id FROM sales.orders {% if url_param('region') %}WHERE region = "
                        + "'{{ url_param('region') }}'{% endif %} LIMIT {{ max_rows }}", false);
        plain.put("description", "The latest orders");
        plain.put("template_params", "{\"max_rows\": 20}");
        FakeSupersetServer.column(plain, "order_id", "BIGINT", "Order", "Unique order number");
        SessionTestEnvironment.superset().dataset(plain);
    }

    @AfterEach
    void heal() {
        SessionTestEnvironment.superset().sqlLab().heal();
    }

    @Test
    void dashboardFiltersMapOntoJinjaVariablesPreviewGoesStaleAndTheLaunchWaitsForEveryCondition()
            throws Exception {
        JsonPath s = OWNER.created(ORDERS);
        String id = s.getString("session_id");
        share(id, APPROVER, "approver");
        share(id, REVIEWER, "reviewer");
        share(id, VIEWER, "viewer");

        // the template: five variables, one of them unknown (a blocking finding), two with values of their own
        s = OWNER.get(id);
        assertThat(names(s)).containsExactlyInAnyOrder("region", "start_date", "order_status", "tenant", "max_rows");
        assertThat(variable(s, "region", "variable_kind")).isEqualTo("native_filter");
        assertThat(variable(s, "region", "is_required")).isEqualTo(true);
        assertThat(variable(s, "region", "expression_source"))
                .isEqualTo("{{ \"'\" ~ filter_values('region')|join(\"', '\") ~ \"'\" }}");
        assertThat(variable(s, "start_date", "variable_kind")).isEqualTo("parameter");
        assertThat(variable(s, "order_status", "is_required")).isEqualTo(false);
        assertThat(variable(s, "tenant", "variable_kind")).isEqualTo("unknown");
        assertThat(variable(s, "max_rows", "default_value")).isEqualTo(500);
        assertThat(variable(s, "region", "mapping_status")).isEqualTo("unmapped");
        assertThat(s.getList("findings.findAll { it.code == 'template_variable_unknown' }")).hasSize(1);

        // a required variable without a value: no preview yet
        Response refused = OWNER.request().post("/review-sessions/{id}/preview", id);
        refused.then().statusCode(409).contentType("application/problem+json");
        assertThat(refused.jsonPath().getList("errors.field")).containsOnly("required_value_missing");
        assertThat(refused.jsonPath().getList("errors.field")).hasSize(2);

        // three filters, made by hand: direct, heuristic (a plural) and semantic (the column's verbose name)
        addFilter(id, "region", null, List.of("EU", "US"));
        addFilter(id, "start_dates", "Start dates", List.of("2024-01-01"));
        s = addFilter(id, "status", null, "shipped");
        assertThat(mapping(s, "region", "mapping_method")).isEqualTo("direct_match");
        assertThat(mapping(s, "region", "approval_state")).isEqualTo("not_required");
        assertThat(mapping(s, "start_date", "mapping_method")).isEqualTo("heuristic_match");
        assertThat(mapping(s, "start_date", "effective_value")).isEqualTo("2024-01-01");
        assertThat(mapping(s, "start_date", "warning_level")).isEqualTo("high");
        assertThat(mapping(s, "start_date", "approval_state")).isEqualTo("pending");
        assertThat(mapping(s, "order_status", "mapping_method")).isEqualTo("semantic_match");
        assertThat(mapping(s, "order_status", "effective_value")).isEqualTo(List.of("shipped"));
        assertThat(variable(s, "region", "mapping_status")).isEqualTo("approved");
        assertThat(variable(s, "start_date", "mapping_status")).isEqualTo("proposed");
        assertThat(s.getString("readiness_state")).isEqualTo("partially_ready"); // the unknown variable blocks

        // Superset compiles the preview from exactly these inputs
        s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract().jsonPath();
        String compiled = s.getString("previews[-1].compiled_sql");
        assertThat(s.getString("previews[-1].preview_status")).isEqualTo("ready");
        assertThat(s.getString("previews[-1].compiled_by")).isEqualTo("superset");
        assertThat(s.getString("last_preview_id")).isEqualTo(s.getString("previews[-1].preview_id"));
        assertThat(compiled).contains("region IN ('EU', 'US')", "order_date >= '2024-01-01'",
                "status IN ('shipped')", "LIMIT 500", "AS virtual_table");
        JsonNode asked = last(SessionTestEnvironment.superset().sqlLab().chartDataRequests());
        assertThat(asked.path("result_type").asText()).isEqualTo("query");
        assertThat(asked.path("datasource").path("id").asInt()).isEqualTo(ORDERS);
        assertThat(asked.path("queries").get(0).path("url_params").path("start_date").asText()).isEqualTo("2024-01-01");
        assertThat(asked.path("queries").get(0).path("filters").toString()).contains("\"col\":\"region\"");

        // who may: a viewer neither previews, launches, maps nor approves; others do not see the session
        VIEWER.request().post("/review-sessions/{id}/preview", id).then().statusCode(403);
        VIEWER.request().body(Map.of()).post("/review-sessions/{id}/launch", id).then().statusCode(403);
        VIEWER.request().body(Map.of("effective_value", List.of("EU")))
                .patch("/review-sessions/{id}/mappings/{m}", id, mappingId(s, "region")).then().statusCode(403);
        STRANGER.request().post("/review-sessions/{id}/mappings/{m}/approve", id, mappingId(s, "start_date"))
                .then().statusCode(404).contentType("application/problem+json");

        // launch refused, condition by condition
        assertThat(launchRefusal(id)).containsExactlyInAnyOrder("blocking_finding_open", "mapping_approval_pending",
                "launch_warning_unapproved", "mapping_approval_pending");
        REVIEWER.request().post("/review-sessions/{id}/mappings/{m}/approve", id, mappingId(s, "start_date"))
                .then().statusCode(403);
        s = APPROVER.request().post("/review-sessions/{id}/mappings/{m}/approve", id, mappingId(s, "start_date"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(mapping(s, "start_date", "approved_by_user_id")).isEqualTo(APPROVER.user());
        assertThat(mapping(s, "start_date", "approved_at")).isNotNull();
        assertThat(launchRefusal(id)).containsExactlyInAnyOrder("blocking_finding_open", "mapping_approval_pending");

        String tenantFinding = findingId(s, "template_variable_unknown");
        resolve(id, OWNER, tenantFinding, "approved");
        assertThat(launchRefusal(id)).containsExactly("mapping_approval_pending");
        s = APPROVER.request().post("/review-sessions/{id}/mappings/{m}/approve", id, mappingId(s, "order_status"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("readiness_state")).isEqualTo("run_ready");
        assertThat(s.getString("recommended_action")).isEqualTo("launch_dataset");

        String riskFinding = findingId(s, "mapping_transformation_risky");
        resolve(id, OWNER, riskFinding, "open");
        assertThat(launchRefusal(id)).containsExactly("launch_warning_unapproved");
        assertThat(OWNER.get(id).getString("readiness_state")).isEqualTo("mapping_review_needed");
        resolve(id, APPROVER, riskFinding, "approved");

        resolve(id, OWNER, tenantFinding, "open");
        assertThat(launchRefusal(id)).containsExactly("blocking_finding_open");
        resolve(id, OWNER, tenantFinding, "approved");

        // an edit makes the preview stale in the same answer
        s = OWNER.request().body(Map.of("effective_value", List.of("EU")))
                .patch("/review-sessions/{id}/mappings/{m}", id, mappingId(s, "region")).then().statusCode(200)
                .extract().jsonPath();
        assertThat(s.getString("previews[-1].preview_status")).isEqualTo("stale");
        assertThat(mapping(s, "region", "mapping_method")).isEqualTo("manual_override");
        assertThat(variable(s, "region", "mapping_status")).isEqualTo("overridden");
        assertThat(s.getString("readiness_state")).isEqualTo("compiled_preview_ready");
        assertThat(launchRefusal(id)).containsExactly("preview_stale");

        // a rejected mapping leaves its required variable without a value
        s = APPROVER.request().post("/review-sessions/{id}/mappings/{m}/reject", id, mappingId(s, "region"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(variable(s, "region", "mapping_status")).isEqualTo("invalid");
        assertThat(launchRefusal(id)).contains("required_value_missing");
        s = OWNER.request().body(Map.of("filter_id", filterId(s, "region"), "variable_id", variableId(s, "region"),
                "effective_value", List.of("EU"))).post("/review-sessions/{id}/mappings", id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(mapping(s, "region", "approval_state")).isEqualTo("not_required");

        // preview again, then the launch runs exactly the compiled SQL and records what ran
        s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract().jsonPath();
        String previewId = s.getString("last_preview_id");
        compiled = s.getString("previews[-1].compiled_sql");
        assertThat(compiled).contains("region IN ('EU')").doesNotContain("'US'");
        s = OWNER.request().body(Map.of()).post("/review-sessions/{id}/launch", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(s.getString("last_run_context_id")).isEqualTo(s.getString("run_contexts[-1].run_context_id"));
        assertThat(s.getString("run_contexts[-1].launch_status")).isEqualTo("success");
        assertThat(s.getString("run_contexts[-1].preview_id")).isEqualTo(previewId);
        assertThat(s.getString("run_contexts[-1].dataset_ref")).isEqualTo("superset://test/dataset/" + ORDERS);
        assertThat(s.getString("run_contexts[-1].environment_id")).isEqualTo("test");
        assertThat(s.getString("run_contexts[-1].sql_lab_session_ref")).startsWith("superset://test/sqllab/query/");
        assertThat(s.getList("run_contexts[-1].approved_mapping_ids")).containsExactlyInAnyOrder(
                mappingId(s, "start_date"), mappingId(s, "order_status"));
        assertThat(s.getString("run_contexts[-1].template_params.start_date")).isEqualTo("2024-01-01");
        assertThat(s.getInt("run_contexts[-1].template_params.max_rows")).isEqualTo(500);
        assertThat(s.getList("run_contexts[-1].effective_filters.col")).containsExactly("order_status", "region");
        assertThat(s.getList("run_contexts[-1].semantic_decision_refs")).isNotNull();
        assertThat(s.getList("run_contexts[-1].open_warning_refs")).isNotNull();
        assertThat(s.getString("readiness_state")).isEqualTo("completed");
        JsonNode ran = last(SessionTestEnvironment.superset().sqlLab().executed());
        assertThat(ran.path("sql").asText()).isEqualTo(compiled);
        assertThat(ran.path("executed_sql").asText()).isEqualTo(compiled);
        assertThat(ran.path("database_id").asInt()).isEqualTo(1);
        assertThat(ran.path("schema").asText()).isEqualTo("sales");
        assertThat(ran.path("client_id").asText()).hasSize(11);
        JsonNode params = JSON.readTree(ran.path("templateParams").asText());
        assertThat(params.path("_filters").toString()).contains("\"col\":\"region\"");

        // an asynchronous run is started, not done
        s = OWNER.request().body(Map.of("run_async", true)).post("/review-sessions/{id}/launch", id).then()
                .statusCode(200).extract().jsonPath();
        assertThat(s.getString("run_contexts[-1].launch_status")).isEqualTo("started");
        assertThat(s.getString("readiness_state")).isEqualTo("run_in_progress");
    }

    @Test
    void supersetFailingAtChartDataOrSqlLabLeavesTheSessionResumableWithAFinding() {
        String id = OWNER.created(PLAIN).getString("session_id");
        JsonPath s = OWNER.get(id);
        assertThat(s.getString("readiness_state")).isEqualTo("compiled_preview_ready");

        SessionTestEnvironment.superset().sqlLab().fail(FakeSupersetSqlLab.CHART_DATA, 500);
        s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("previews[-1].preview_status")).isEqualTo("failed");
        assertThat(s.getString("previews[-1].compiled_sql")).isNull();
        assertThat(s.getString("previews[-1].error_code")).isEqualTo("superset_500");
        assertThat(s.getString("previews[-1].error_details")).contains("500");
        assertThat(s.getString("findings.find { it.code == 'preview_compilation_failed' }.area"))
                .isEqualTo("compiled_preview");
        assertThat(s.getString("readiness_state")).isEqualTo("recovery_required");
        assertThat(s.getString("recommended_action")).isEqualTo("generate_sql_preview");
        assertThat(launchRefusal(id)).containsExactly("preview_not_ready");

        SessionTestEnvironment.superset().sqlLab().heal();
        s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("previews[-1].preview_status")).isEqualTo("ready");
        assertThat(s.getString("previews[-1].compiled_sql")).contains("LIMIT 20").doesNotContain("WHERE region");
        assertThat(s.getString("findings.find { it.code == 'preview_compilation_failed' }.resolution_state"))
                .isEqualTo("resolved");
        assertThat(s.getString("readiness_state")).isEqualTo("run_ready");

        for (int status : new int[] {401, 403, 404, 422, 500}) {
            SessionTestEnvironment.superset().sqlLab().fail(FakeSupersetSqlLab.SQLLAB_EXECUTE, status);
            s = OWNER.request().body(Map.of()).post("/review-sessions/{id}/launch", id).then().statusCode(200)
                    .extract().jsonPath();
            assertThat(s.getString("run_contexts[-1].launch_status")).isEqualTo("failed");
            assertThat(s.getString("run_contexts[-1].launch_error")).contains(String.valueOf(status));
            assertThat(s.getString("readiness_state")).isEqualTo("recovery_required");
            assertThat(s.getString("recommended_action")).isEqualTo("launch_dataset");
        }
        assertThat(s.getList("findings.findAll { it.code == 'launch_failed' && it.area == 'launch' }")).hasSize(5);

        SessionTestEnvironment.superset().sqlLab().heal();
        s = OWNER.request().body(Map.of()).post("/review-sessions/{id}/launch", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(s.getString("run_contexts[-1].launch_status")).isEqualTo("success");
        assertThat(s.getString("readiness_state")).isEqualTo("completed");
    }

    @Test
    void aSlowSupersetIsATimeOutFindingNotAHungRequest() {
        // the tight environment (same fake) waits 2 s per call
        Response created = OWNER.request().body(Map.of("environment_id", SessionTestEnvironment.TIGHT,
                "source_kind", "dataset_selection", "source_input", String.valueOf(PLAIN))).post("/review-sessions");
        created.then().statusCode(201);
        String id = created.jsonPath().getString("session_id");
        SessionTestEnvironment.superset().sqlLab().slow(FakeSupersetSqlLab.CHART_DATA, java.time.Duration.ofSeconds(4));
        JsonPath s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(s.getString("previews[-1].preview_status")).isEqualTo("failed");
        assertThat(s.getString("previews[-1].error_code")).isEqualTo("superset_timeout");
        assertThat(s.getString("previews[-1].compiled_sql")).isNull();
        assertThat(s.getString("readiness_state")).isEqualTo("recovery_required");
        SessionTestEnvironment.superset().sqlLab().heal();
        s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("previews[-1].preview_status")).isEqualTo("ready");
    }

    // helpers

    static void share(String id, SessionApi who, String role) {
        OWNER.request().body(Map.of("role", role)).put("/review-sessions/{id}/collaborators/{u}", id, who.user())
                .then().statusCode(200);
    }

    static JsonPath addFilter(String id, String name, String display, Object raw) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("filter_name", name);
        if (display != null) {
            body.put("display_name", display);
        }
        body.put("raw_value", raw);
        Response r = OWNER.request().body(body).post("/review-sessions/{id}/filters", id);
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new AssertionError("filters answered " + r.statusCode() + ": " + r.asString());
        }
        return r.jsonPath();
    }

    static List<String> launchRefusal(String id) {
        Response r = OWNER.request().body(Map.of()).post("/review-sessions/{id}/launch", id);
        r.then().statusCode(409).contentType("application/problem+json");
        return r.jsonPath().getList("errors.field");
    }

    static void resolve(String id, SessionApi who, String findingId, String state) {
        who.request().body(Map.of("resolution_state", state))
                .post("/review-sessions/{id}/findings/{f}/resolution", id, findingId).then().statusCode(200);
    }

    static List<String> names(JsonPath s) {
        return s.getList("template_variables.variable_name");
    }

    static Object variable(JsonPath s, String name, String property) {
        return s.get("template_variables.find { it.variable_name == '" + name + "' }." + property);
    }

    static String variableId(JsonPath s, String name) {
        return (String) variable(s, name, "variable_id");
    }

    static String filterId(JsonPath s, String name) {
        return s.getString("imported_filters.find { it.filter_name == '" + name + "' }.filter_id");
    }

    static String mappingId(JsonPath s, String variableName) {
        return (String) mapping(s, variableName, "mapping_id");
    }

    /** The newest mapping onto the variable. */
    static Object mapping(JsonPath s, String variableName, String property) {
        return s.get("mappings.findAll { it.variable_id == '" + variableId(s, variableName) + "' }[-1]." + property);
    }

    static String findingId(JsonPath s, String code) {
        return s.getString("findings.find { it.code == '" + code + "' }.finding_id");
    }

    static JsonNode last(List<JsonNode> list) {
        assertThat(list).isNotEmpty();
        return list.get(list.size() - 1);
    }
}
