package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.testing.FakeSupersetDashboards;
import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 8 end to end, against the real broker, PostgreSQL and the fake Superset: a dashboard link
 * whose five native filters are recovered, mapped onto the three Jinja variables of the dataset's
 * SQL (a direct, a heuristic and a semantic match), approved, compiled by Superset, and launched
 * in SQL Lab, with the audit record of exactly what ran.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class DashboardToSqlLabIT {

    static final int DATASET = 8801;
    static final int DASHBOARD = 88;
    static final ObjectMapper JSON = new ObjectMapper();
    static final SessionApi OWNER = new SessionApi("owner-dash");
    static final SessionApi APPROVER = new SessionApi("approver-dash");

    static final String SQL = "SELECT order_id, region, country, channel, amount, order_date\n"
            + "FROM sales.orders\n"
            + "WHERE region IN ({{ \"'\" ~ filter_values('region')|join(\"', '\") ~ \"'\" }})\n"
            + "{% if filter_values('countries') %}"
            + "  AND country IN ({% for c in filter_values('countries') %}'{{ c }}'{% if not loop.last %}, "
            + "{% endif %}{% endfor %})\n{% endif %}"
            + "  AND channel = '{{ url_param('sales_channel') }}'";

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void superset() {
        FakeSupersetServer superset = SessionTestEnvironment.superset();
        ObjectNode orders = FakeSupersetServer.virtual(DATASET, "orders_filtered", "sales", "warehouse", SQL, false);
        orders.put("description", "Orders as the sales dashboard filters them");
        FakeSupersetServer.column(orders, "order_id", "BIGINT", "Order", "Unique order number");
        FakeSupersetServer.column(orders, "region", "VARCHAR", "Region", "Sales region");
        FakeSupersetServer.column(orders, "country", "VARCHAR", "Country", "ISO country");
        FakeSupersetServer.column(orders, "channel", "VARCHAR", "Sales channel", "Where the order was placed");
        FakeSupersetServer.column(orders, "amount", "NUMERIC", "Amount", "Order total");
        FakeSupersetServer.column(orders, "order_date", "DATE", "Order date", "Day of the order");
        superset.dataset(orders);
        FakeSupersetDashboards d = superset.dashboards();
        d.dashboard(DASHBOARD, "orders-88", "Orders", List.of(DATASET), List.of(
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-r", "Region", "filter_select", DATASET, "region",
                        true, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-c", "Country", "filter_select", DATASET,
                        "country", true, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-ch", "Channel", "filter_select", DATASET,
                        "channel", true, json("[\"web\"]")),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-t", "Period", "filter_time", DATASET, null, false,
                        null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-a", "Amount", "filter_range", DATASET, "amount",
                        false, null)));
        d.filterState(DASHBOARD, "state88", FakeSupersetDashboards.dataMask(List.of(
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-r", "filter_select", "region",
                        json("[\"EMEA\",\"APAC\"]")),
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-c", "filter_select", "country", json("[\"FR\",\"DE\"]")),
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-t", "filter_time", null, json("\"Last quarter\"")))));
    }

    @Test
    void aDashboardLinkWithFiveNativeFiltersRunsInSqlLabThroughThreeJinjaVariables() throws Exception {
        Response created = OWNER.request().body(Map.of("environment_id", SessionTestEnvironment.ENVIRONMENT,
                "source_kind", "superset_link", "source_input", SessionTestEnvironment.superset().baseUrl()
                        + "/superset/dashboard/orders-88/?native_filters_key=state88"))
                .post("/review-sessions");
        created.then().statusCode(201);
        JsonPath s = created.jsonPath();
        String id = s.getString("session_id");
        OWNER.request().body(Map.of("role", "approver"))
                .put("/review-sessions/{id}/collaborators/{u}", id, APPROVER.user()).then().statusCode(200);

        // five filters recovered, three variables found
        assertThat(s.getInt("dashboard_id")).isEqualTo(DASHBOARD);
        assertThat(s.getList("imported_filters.filter_name")).containsExactlyInAnyOrder("region", "country",
                "channel", "time_range", "amount");
        assertThat(s.getList("template_variables.variable_name")).containsExactlyInAnyOrder("region", "countries",
                "sales_channel");

        // the mappings: direct, heuristic (a plural), semantic (the channel column's verbose name)
        assertThat(mapping(s, "region", "mapping_method")).isEqualTo("direct_match");
        assertThat(mapping(s, "region", "effective_value")).isEqualTo(List.of("EMEA", "APAC"));
        assertThat(mapping(s, "countries", "mapping_method")).isEqualTo("heuristic_match");
        assertThat(mapping(s, "countries", "effective_value")).isEqualTo(List.of("FR", "DE"));
        assertThat(mapping(s, "sales_channel", "mapping_method")).isEqualTo("semantic_match");
        assertThat(mapping(s, "sales_channel", "effective_value")).isEqualTo("web");
        assertThat(mapping(s, "sales_channel", "warning_level")).isEqualTo("high");
        assertThat(s.getString("readiness_state")).isEqualTo("mapping_review_needed");
        assertThat(s.getString("recommended_action")).isEqualTo("approve_mapping");

        for (String variable : List.of("countries", "sales_channel")) {
            s = APPROVER.request().post("/review-sessions/{id}/mappings/{m}/approve", id,
                    mapping(s, variable, "mapping_id")).then().statusCode(200).extract().jsonPath();
        }
        assertThat(s.getString("readiness_state")).isEqualTo("compiled_preview_ready");
        assertThat(s.getString("recommended_action")).isEqualTo("generate_sql_preview");

        s = OWNER.request().post("/review-sessions/{id}/preview", id).then().statusCode(200).extract().jsonPath();
        String compiled = s.getString("previews[-1].compiled_sql");
        assertThat(compiled).contains("region IN ('EMEA', 'APAC')", "country IN ('FR', 'DE')", "channel = 'web'");
        assertThat(s.getString("readiness_state")).isEqualTo("run_ready");

        s = OWNER.request().body(Map.of()).post("/review-sessions/{id}/launch", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(s.getString("run_contexts[-1].launch_status")).isEqualTo("success");
        assertThat(s.getString("run_contexts[-1].sql_lab_session_ref")).startsWith("superset://test/sqllab/query/");
        assertThat(s.getList("run_contexts[-1].effective_filters.col")).containsExactly("countries", "region");
        assertThat(s.getString("run_contexts[-1].template_params.sales_channel")).isEqualTo("web");
        assertThat(s.getList("run_contexts[-1].approved_mapping_ids")).hasSize(2);
        assertThat(s.getList("run_contexts[-1].open_warning_refs"))
                .contains(s.getString("findings.find { it.code == 'filter_value_missing' }.finding_id"));
        assertThat(s.getString("readiness_state")).isEqualTo("completed");
        List<JsonNode> executed = SessionTestEnvironment.superset().sqlLab().executed();
        JsonNode ran = executed.get(executed.size() - 1);
        assertThat(ran.path("sql").asText()).isEqualTo(compiled);
        assertThat(ran.path("executed_sql").asText()).isEqualTo(compiled);
        assertThat(JSON.readTree(ran.path("templateParams").asText()).path("sales_channel").asText()).isEqualTo("web");
    }

    static Object mapping(JsonPath s, String variableName, String property) {
        String variableId = s.getString("template_variables.find { it.variable_name == '" + variableName
                + "' }.variable_id");
        return s.get("mappings.findAll { it.variable_id == '" + variableId + "' }[-1]." + property);
    }
}
