package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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
 * Sessions started from Superset links, against the real broker, PostgreSQL and the fake
 * Superset: every link kind with its filters recovered, links refused before any request (SSRF),
 * partial recovery and retry, and Superset failing at each call, and the manual filters API.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SupersetLinkIT {

    static final int ORDERS = 7101;
    static final int STORES = 7102;
    static final int DASHBOARD = 71;
    static final String SLUG = "sales-71";
    static final ObjectMapper JSON = new ObjectMapper();
    static final SessionApi OWNER = new SessionApi("lina");
    static final SessionApi VIEWER = new SessionApi("vic");

    static FakeSupersetServer superset() {
        return SessionTestEnvironment.superset();
    }

    static String base() {
        return superset().baseUrl();
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void superset_() {
        ObjectNode orders = FakeSupersetServer.table(ORDERS, "orders", "sales", "warehouse", "Web shop orders");
        FakeSupersetServer.column(orders, "region", "VARCHAR", "Region", "Sales region");
        FakeSupersetServer.column(orders, "country", "VARCHAR", "Country", "ISO country");
        FakeSupersetServer.column(orders, "amount", "NUMERIC", "Amount", "Order total");
        FakeSupersetServer.column(orders, "channel", "VARCHAR", "Channel", "Sales channel");
        FakeSupersetServer.column(orders, "order_date", "DATE", "Order date", "Day of the order");
        superset().dataset(orders);
        ObjectNode stores = FakeSupersetServer.table(STORES, "stores", "sales", "warehouse", "Stores");
        FakeSupersetServer.column(stores, "store", "VARCHAR", "Store", "Store name");
        superset().dataset(stores);
        FakeSupersetDashboards d = superset().dashboards();
        d.dashboard(DASHBOARD, SLUG, "Sales", List.of(STORES, ORDERS), List.of(
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-region", "Region", "filter_select", ORDERS,
                        "region", true, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-country", "Country", "filter_select", ORDERS,
                        "country", false, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-time", "Period", "filter_time", ORDERS, null,
                        false, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-amount", "Amount", "filter_range", ORDERS,
                        "amount", false, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-channel", "Channel", "filter_select", ORDERS,
                        "channel", true, json("[\"web\"]")),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-store", "Store", "filter_select", STORES,
                        "store", true, null)));
        ObjectNode mask = FakeSupersetDashboards.dataMask(List.of(
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-region", "filter_select", "region",
                        json("[\"EMEA\",\"APAC\"]")),
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-country", "filter_select", "country", json("[\"FR\"]")),
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-time", "filter_time", null, json("\"Last quarter\""))));
        d.filterState(DASHBOARD, "state71", mask);
        d.dashboardPermalink("perm71", String.valueOf(DASHBOARD), mask, List.of(List.of("tenant", "acme")));
        ObjectNode formData = (ObjectNode) json("{\"datasource\":\"" + ORDERS + "__table\",\"viz_type\":\"table\","
                + "\"slice_id\":7199,\"time_range\":\"Last week\",\"adhoc_filters\":[{\"expressionType\":\"SIMPLE\","
                + "\"subject\":\"country\",\"operator\":\"IN\",\"comparator\":[\"FR\",\"DE\"],\"clause\":\"WHERE\"}],"
                + "\"extra_form_data\":{\"filters\":[{\"col\":\"region\",\"op\":\"IN\",\"val\":[\"EMEA\"]}]}}");
        d.chart(7199, "Orders by country", (ObjectNode) json("{\"datasource\":\"" + ORDERS + "__table\","
                + "\"viz_type\":\"table\",\"slice_id\":7199}"));
        d.exploreFormData("fd71", formData);
        d.explorePermalink("xp71", formData, List.of(List.of("tenant", "acme")));
    }

    @AfterEach
    void heal() {
        superset().faults().healAll();
    }

    static JsonPath create(String environment, String link) {
        Response r = OWNER.request().body(Map.of("environment_id", environment, "source_kind", "superset_link",
                "source_input", link)).post("/review-sessions");
        if (r.statusCode() != 201) {
            throw new AssertionError("create answered " + r.statusCode() + ": " + r.asString());
        }
        return r.jsonPath();
    }

    static JsonPath create(String link) {
        return create(SessionTestEnvironment.ENVIRONMENT, link);
    }

    static Map<String, Object> filter(JsonPath s, String name) {
        List<Map<String, Object>> filters = s.getList("imported_filters");
        return filters.stream().filter(f -> name.equals(f.get("filter_name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no filter " + name + " in " + filters));
    }

    static List<String> codes(JsonPath s) {
        return s.getList("findings.findAll { it.resolution_state == 'open' }.code");
    }

    @Test
    void aDashboardLinkWithAFilterStateKeyRecoversEveryFilter() {
        JsonPath s = create(base() + "/superset/dashboard/" + SLUG + "/?native_filters_key=state71&tenant=acme");
        assertThat(s.getInt("dataset_id")).isEqualTo(ORDERS);
        assertThat(s.getInt("dashboard_id")).isEqualTo(DASHBOARD);
        assertThat(s.getString("dataset_ref")).endsWith("/dataset/" + ORDERS);
        assertThat(s.getString("profile.dataset_name")).isEqualTo("orders");
        assertThat(s.getList("fields.field_name")).contains("region", "channel");
        assertThat(filter(s, "region").get("normalized_value")).isEqualTo(List.of("EMEA", "APAC"));
        assertThat(filter(s, "region").get("source")).isEqualTo("superset_native");
        assertThat(filter(s, "region").get("recovery_status")).isEqualTo("recovered");
        assertThat(filter(s, "region").get("display_name")).isEqualTo("Region");
        assertThat(filter(s, "country").get("raw_value")).isEqualTo(List.of("FR"));
        assertThat(filter(s, "country").get("normalized_value")).isEqualTo("FR");
        assertThat(filter(s, "time_range").get("normalized_value")).isEqualTo("Last quarter");
        assertThat(filter(s, "channel").get("normalized_value")).isEqualTo(List.of("web"));
        assertThat(filter(s, "amount").get("recovery_status")).isEqualTo("missing");
        assertThat(filter(s, "amount").get("requires_confirmation")).isEqualTo(true);
        assertThat(filter(s, "tenant").get("source")).isEqualTo("superset_url");
        assertThat(s.getList("imported_filters.filter_name")).doesNotContain("store");
        // two datasets: the choice and its reason are a finding
        assertThat(codes(s)).contains("dashboard_dataset_chosen", "filter_value_missing");
        String chosen = s.getString("findings.find { it.code == 'dashboard_dataset_chosen' }.message");
        assertThat(chosen).contains("orders (#" + ORDERS + ")").contains("5 of the dashboard's 6 native filters");
    }

    @Test
    void aDashboardByIdWithRisonNativeFilters() {
        JsonPath s = create(base() + "/superset/dashboard/" + DASHBOARD
                + "/?native_filters=(NATIVE_FILTER-region:(id:NATIVE_FILTER-region,filterState:(value:!(AMER)),"
                + "extraFormData:(filters:!((col:region,op:IN,val:!(AMER))))))");
        assertThat(filter(s, "region").get("normalized_value")).isEqualTo(List.of("AMER"));
        assertThat(filter(s, "region").get("source")).isEqualTo("superset_url");
        assertThat(filter(s, "country").get("recovery_status")).isEqualTo("missing");
    }

    @Test
    void aDashboardPermalinkCarriesStateAndUrlParameters() {
        JsonPath s = create(base() + "/superset/dashboard/p/perm71/");
        assertThat(s.getInt("dashboard_id")).isEqualTo(DASHBOARD);
        assertThat(s.getInt("dataset_id")).isEqualTo(ORDERS);
        assertThat(filter(s, "region").get("normalized_value")).isEqualTo(List.of("EMEA", "APAC"));
        assertThat(filter(s, "tenant").get("normalized_value")).isEqualTo("acme");
        assertThat(s.getString("readiness_state")).isNotEqualTo("recovery_required");
    }

    @Test
    void anExplorePermalinkAndAnExploreFormDataKey() {
        for (String link : List.of(base() + "/explore/p/xp71/",
                base() + "/explore/?form_data_key=fd71&slice_id=7199")) {
            JsonPath s = create(link);
            assertThat(s.getInt("dataset_id")).as(link).isEqualTo(ORDERS);
            assertThat((Object) s.get("dashboard_id")).as(link).isNull();
            assertThat(filter(s, "country").get("normalized_value")).as(link).isEqualTo(List.of("FR", "DE"));
            assertThat(filter(s, "country").get("source")).as(link).isEqualTo("superset_url");
            assertThat(filter(s, "region").get("source")).as(link).isEqualTo("superset_native");
            assertThat(filter(s, "time_range").get("normalized_value")).as(link).isEqualTo("Last week");
            assertThat(s.getString("profile.dataset_name")).isEqualTo("orders");
        }
    }

    @Test
    void anExpiredFormDataKeyFallsBackToTheChartWithAFinding() {
        JsonPath s = create(base() + "/explore/?form_data_key=gone71&slice_id=7199");
        assertThat(s.getInt("dataset_id")).isEqualTo(ORDERS);
        assertThat(codes(s)).contains("filter_state_unavailable");
        assertThat(s.getString("findings.find { it.code == 'filter_state_unavailable' }.message"))
                .contains("reverting to chart metadata");
    }

    static List<String> badLinks() {
        String port = base().substring(base().lastIndexOf(':') + 1);
        return List.of(
                "http://127.0.0.1:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "http://2130706433:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "http://0177.0.0.1:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "http://[::1]:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "http://localhost:" + (Integer.parseInt(port) == 65535 ? 1 : Integer.parseInt(port) + 1)
                        + "/superset/dashboard/" + DASHBOARD + "/",
                "http://evil.example:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "http://localhost:" + port + "@evil.example/superset/dashboard/" + DASHBOARD + "/",
                "http://evil.example@localhost:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "file:///etc/passwd",
                "ftp://localhost:" + port + "/superset/dashboard/" + DASHBOARD + "/",
                "https://localhost:" + port + "/superset/dashboard/" + DASHBOARD + "/x/../../../api/v1/database/",
                "http://localhost:" + port + "/superset/dashboard/..%2F..%2Fapi%2Fv1%2Fdatabase/",
                "http://localhost:" + port + "/api/v1/database/1/",
                "http://localhost:" + port + "/superset/dashboard/" + DASHBOARD + "/?native_filters=(broken",
                "http://169.254.169.254/latest/meta-data/");
    }

    @ParameterizedTest
    @MethodSource("badLinks")
    void linksOutsideTheEnvironmentAreRefusedBeforeAnyRequest(String link) {
        int before = superset().requestCount();
        OWNER.request().body(Map.of("environment_id", SessionTestEnvironment.ENVIRONMENT, "source_kind",
                "superset_link", "source_input", link)).post("/review-sessions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("source_input"));
        assertThat(superset().requestCount()).as("requests that reached Superset").isEqualTo(before);
    }

    @Test
    void lostFilterStateKeepsTheRestAndARetryRecoversIt() {
        superset().faults().fail("/api/v1/dashboard/" + DASHBOARD + "/filter_state/.*", 404);
        JsonPath s = create(base() + "/superset/dashboard/" + DASHBOARD + "/?native_filters_key=state71");
        String id = s.getString("session_id");
        assertThat(s.getString("profile.dataset_name")).isEqualTo("orders");
        assertThat(filter(s, "region").get("recovery_status")).isEqualTo("missing");
        assertThat(filter(s, "channel").get("recovery_status")).isEqualTo("partial");
        assertThat(filter(s, "channel").get("normalized_value")).isEqualTo(List.of("web"));
        assertThat(filter(s, "channel").get("source")).isEqualTo("inferred");
        assertThat(codes(s)).contains("filter_state_unavailable", "filter_value_missing", "filter_value_partial");
        assertThat(s.getString("findings.find { it.code == 'filter_state_unavailable' }.message")).contains("404");
        String regionId = (String) filter(s, "region").get("filter_id");

        superset().faults().healAll();
        JsonPath again = OWNER.request().post("/review-sessions/{id}/intake", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(filter(again, "region").get("recovery_status")).isEqualTo("recovered");
        assertThat(filter(again, "region").get("filter_id")).as("same filter, same id").isEqualTo(regionId);
        assertThat(filter(again, "channel").get("recovery_status")).isEqualTo("recovered");
        assertThat(filter(again, "channel").get("source")).isEqualTo("superset_native");
        assertThat(codes(again)).doesNotContain("filter_state_unavailable", "filter_value_partial");
    }

    @Test
    void anExpiredPermalinkFailsTheIntakeResumably() {
        superset().faults().fail("/api/v1/dashboard/permalink/perm71", 404);
        JsonPath s = create(base() + "/superset/dashboard/p/perm71/");
        String id = s.getString("session_id");
        assertThat(s.getString("readiness_state")).isEqualTo("recovery_required");
        assertThat(s.getString("recommended_action")).isEqualTo("import_from_superset");
        assertThat(codes(s)).contains("superset_link_target_not_found");
        superset().faults().healAll();
        JsonPath again = OWNER.request().post("/review-sessions/{id}/intake", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(again.getString("profile.dataset_name")).isEqualTo("orders");
        assertThat(filter(again, "region").get("recovery_status")).isEqualTo("recovered");
        assertThat(codes(again)).doesNotContain("superset_link_target_not_found");
    }

    /** Each call of a link's intake failing: the session stays resumable and says what failed. */
    static List<Arguments> failures() {
        String dash = base() + "/superset/dashboard/" + DASHBOARD + "/?native_filters_key=state71";
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(dash, "/api/v1/dashboard/" + DASHBOARD, "500", "blocking", "superset_refused"));
        out.add(Arguments.of(dash, "/api/v1/dashboard/" + DASHBOARD, "403", "blocking", "superset_refused"));
        out.add(Arguments.of(dash, "/api/v1/dashboard/" + DASHBOARD + "/datasets", "500", "kept",
                "superset_link_unreadable"));
        out.add(Arguments.of(dash, "/api/v1/dashboard/" + DASHBOARD + "/filter_state/state71", "500", "kept",
                "filter_state_unavailable"));
        out.add(Arguments.of(dash, "/api/v1/dataset/" + ORDERS, "422", "blocking", "superset_refused"));
        out.add(Arguments.of(base() + "/explore/p/xp71/", "/api/v1/explore/permalink/xp71", "500", "blocking",
                "superset_refused"));
        out.add(Arguments.of(base() + "/explore/?form_data_key=fd71&slice_id=7199", "/api/v1/explore/", "401",
                "blocking", "superset_refused"));
        out.add(Arguments.of(base() + "/explore/?form_data_key=fd71&datasource_id=" + ORDERS, "/api/v1/explore/",
                "500", "kept", "filter_state_unavailable"));
        out.add(Arguments.of(dash, "/api/v1/dashboard/" + DASHBOARD, "slow", "blocking", "superset_timeout"));
        out.add(Arguments.of(dash, "/api/v1/dataset/" + ORDERS, "oversized", "blocking",
                "superset_response_too_large"));
        out.add(Arguments.of(dash, "/api/v1/dashboard/" + DASHBOARD, "redirect", "blocking",
                "superset_redirect_refused"));
        return out;
    }

    @ParameterizedTest
    @MethodSource("failures")
    void supersetFailingAtACallLeavesAResumableSessionWithAFinding(String link, String path, String fault,
            String outcome, String code) {
        switch (fault) {
            case "slow" -> superset().faults().slow(path, Duration.ofSeconds(5));
            case "oversized" -> superset().faults().oversized(path, 200_000);
            case "redirect" -> superset().faults().redirect(path, "http://169.254.169.254/");
            default -> superset().faults().fail(path, Integer.parseInt(fault));
        }
        JsonPath s = create(SessionTestEnvironment.TIGHT, link);
        String id = s.getString("session_id");
        assertThat(codes(s)).as("open findings").contains(code);
        if (outcome.equals("blocking")) {
            assertThat(s.getString("readiness_state")).isEqualTo("recovery_required");
            assertThat((Object) s.get("profile")).isNull();
        } else {
            assertThat(s.getString("profile.dataset_name")).isEqualTo("orders");
        }
        superset().faults().healAll();
        JsonPath again = OWNER.request().post("/review-sessions/{id}/intake", id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(again.getString("profile.dataset_name")).isEqualTo("orders");
        assertThat(codes(again)).doesNotContain(code);
    }

    @Test
    void expiredAccessTokensAreRefreshedAndFailedLoginsAreFindings() {
        create(base() + "/superset/dashboard/" + DASHBOARD + "/");
        long refreshes = count("POST /api/v1/security/refresh");
        superset().auth().expireAccessTokens();
        JsonPath s = create(base() + "/superset/dashboard/" + DASHBOARD + "/");
        assertThat(s.getString("profile.dataset_name")).isEqualTo("orders");
        assertThat(count("POST /api/v1/security/refresh")).isGreaterThan(refreshes);

        // the refresh token refused too and the login failing: a finding, resumable
        superset().auth().expireAccessTokens();
        superset().auth().revokeRefreshTokens();
        superset().faults().fail("/api/v1/security/login", 500);
        JsonPath failed = create(base() + "/superset/dashboard/" + DASHBOARD + "/");
        assertThat(failed.getString("readiness_state")).isEqualTo("recovery_required");
        assertThat(failed.getString("findings.find { it.area == 'source_intake' }.message")).contains("login");
        superset().faults().healAll();
        OWNER.request().post("/review-sessions/{id}/intake", failed.getString("session_id")).then().statusCode(200)
                .body("profile.dataset_name", equalTo("orders"));
    }

    static long count(String request) {
        return superset().requests().stream().filter(request::equals).count();
    }

    @Test
    void filtersSetByHand() {
        JsonPath s = create(base() + "/superset/dashboard/" + DASHBOARD + "/?native_filters_key=state71");
        String id = s.getString("session_id");
        long v = s.getLong("version");
        OWNER.request().body(Map.of("role", "viewer")).put("/review-sessions/{id}/collaborators/{u}", id,
                VIEWER.user()).then().statusCode(200);
        v++;
        // add
        Response added = OWNER.request().header("If-Match", "\"" + v + "\"").body(Map.of("filter_name", "segment",
                "display_name", "Segment", "raw_value", List.of("b2b"))).post("/review-sessions/{id}/filters", id);
        added.then().statusCode(200).header("ETag", "\"" + (v + 1) + "\"");
        Map<String, Object> segment = filter(added.jsonPath(), "segment");
        assertThat(segment).containsEntry("source", "manual").containsEntry("confidence_state", "confirmed")
                .containsEntry("recovery_status", "recovered").containsEntry("requires_confirmation", false)
                .containsEntry("normalized_value", List.of("b2b"));
        String segmentId = (String) segment.get("filter_id");
        // edit a recovered filter: it becomes the person's, and a new import leaves it alone
        String amountId = (String) filter(added.jsonPath(), "amount").get("filter_id");
        JsonPath edited = OWNER.request().body(Map.of("raw_value", List.of(10, 500), "normalized_value",
                List.of(10, 500))).put("/review-sessions/{id}/filters/{f}", id, amountId).then().statusCode(200)
                .extract().jsonPath();
        assertThat(filter(edited, "amount")).containsEntry("source", "manual").containsEntry("normalized_value",
                List.of(10, 500));
        assertThat(edited.getList("findings.findAll { it.code == 'filter_value_missing' && it.resolution_state == 'open' }"
                + ".caused_by_ref")).as("set by hand: no longer missing").doesNotContain(amountId);
        JsonPath reimported = OWNER.request().post("/review-sessions/{id}/intake", id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(filter(reimported, "amount")).containsEntry("source", "manual").containsEntry("filter_id", amountId);
        assertThat(filter(reimported, "segment")).containsEntry("filter_id", segmentId);
        // bad input names the field; roles and versions as for every change
        OWNER.request().body(Map.of("raw_value", 1)).post("/review-sessions/{id}/filters", id).then().statusCode(400)
                .body("errors[0].field", equalTo("filter_name"));
        OWNER.request().body(Map.of("filter_name", "x")).post("/review-sessions/{id}/filters", id).then()
                .statusCode(400).body("errors[0].field", equalTo("raw_value"));
        OWNER.request().body("{\"filter_name\":\"x\",\"raw_value\":null}").post("/review-sessions/{id}/filters", id)
                .then().statusCode(400).body("errors[0].field", equalTo("raw_value"));
        OWNER.request().body(Map.of("filter_name", "x", "raw_value", 1, "recovery_status", "recovered"))
                .post("/review-sessions/{id}/filters", id).then().statusCode(400)
                .body("errors[0].field", equalTo("recovery_status"));
        OWNER.request().body(Map.of("filter_name", "segment", "raw_value", 1)).post("/review-sessions/{id}/filters", id)
                .then().statusCode(409).body("errors[0].field", equalTo("filter_name"));
        VIEWER.request().body(Map.of("filter_name", "y", "raw_value", 1)).post("/review-sessions/{id}/filters", id)
                .then().statusCode(403);
        new SessionApi("mallory").request().body(Map.of("filter_name", "y", "raw_value", 1))
                .post("/review-sessions/{id}/filters", id).then().statusCode(404);
        OWNER.request().header("If-Match", "\"1\"").body(Map.of("filter_name", "y", "raw_value", 1))
                .post("/review-sessions/{id}/filters", id).then().statusCode(412)
                .body("errors[0].field", equalTo("If-Match"));
        OWNER.request().body(Map.of("raw_value", 2)).put("/review-sessions/{id}/filters/{f}", id, "nope").then()
                .statusCode(404).body("errors[0].field", equalTo("filter_id"));
        // remove
        JsonPath removed = OWNER.request().delete("/review-sessions/{id}/filters/{f}", id, segmentId).then()
                .statusCode(200).extract().jsonPath();
        assertThat(removed.getList("imported_filters.filter_name")).doesNotContain("segment");
        OWNER.request().delete("/review-sessions/{id}/filters/{f}", id, segmentId).then().statusCode(404);
        assertThat(OWNER.request().get("/review-sessions/{id}/events", id).jsonPath().getList("type"))
                .contains("superset_link_resolved", "filters_recovered", "filter_added", "filter_updated",
                        "filter_removed");
    }

    @ParameterizedTest
    @ValueSource(strings = { "dataset_selection" })
    void aDatasetSessionTakesManualFiltersToo(String kind) {
        JsonPath s = OWNER.created(ORDERS);
        OWNER.request().body(Map.of("filter_name", "region", "raw_value", "EMEA"))
                .post("/review-sessions/{id}/filters", s.getString("session_id")).then().statusCode(200)
                .body("imported_filters[0].source", equalTo("manual"))
                .body("source_kind", equalTo(kind));
    }
}
