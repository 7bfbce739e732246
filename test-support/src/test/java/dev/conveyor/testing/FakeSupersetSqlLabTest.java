package dev.conveyor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The fake's chart data and SQL Lab behave as Superset's: CSRF, real Jinja rendering, sync and async runs, errors. */
class FakeSupersetSqlLabTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static FakeSupersetServer superset;
    static final HttpClient HTTP = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();

    @BeforeAll
    static void start() {
        superset = FakeSupersetServer.start("u", "p");
        ObjectNode ds = FakeSupersetServer.virtual(7, "v", "sales", "wh",
                "SELECT * FROM t WHERE r IN ({{ \"'\" ~ filter_values('region')|join(\"','\") ~ \"'\" }})"
                        + " AND d >= '{{ url_param('start', '2020-01-01') }}'"
                        + "{% for f in get_filters('status') %} AND {{ f.col }} = '{{ f.val[0] }}'{% endfor %}"
                        + " LIMIT {{ max_rows }}", false);
        ds.put("template_params", "{\"max_rows\": 7}");
        FakeSupersetServer.column(ds, "r", "VARCHAR", null, null);
        superset.dataset(ds);
    }

    @AfterAll
    static void stop() {
        superset.close();
    }

    String[] login() throws Exception {
        JsonNode tokens = JSON.readTree(send("POST", "/api/v1/security/login", null, null,
                "{\"username\":\"u\",\"password\":\"p\",\"provider\":\"db\"}").body());
        String access = tokens.get("access_token").asText();
        String csrf = JSON.readTree(send("GET", "/api/v1/security/csrf_token/", access, null, null).body())
                .get("result").asText();
        return new String[] {access, csrf};
    }

    HttpResponse<String> send(String method, String path, String access, String csrf, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(superset.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (access != null) {
            b.header("Authorization", "Bearer " + access);
        }
        if (csrf != null) {
            b.header("X-CSRFToken", csrf);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String QUERY_CONTEXT = "{\"datasource\":{\"id\":7,\"type\":\"table\"},\"result_type\":\"query\","
            + "\"queries\":[{\"columns\":[\"r\"],\"filters\":[{\"col\":\"region\",\"op\":\"IN\",\"val\":[\"EU\",\"US\"]},"
            + "{\"col\":\"status\",\"op\":\"IN\",\"val\":[\"open\"]},{\"col\":\"r\",\"op\":\"IN\",\"val\":[\"x\"]}],"
            + "\"url_params\":{\"start\":\"2024-05-01\"}}]}";

    @Test
    void chartDataRendersTheDatasetsJinjaWithTheQuerysFiltersAndUrlParams() throws Exception {
        String[] t = login();
        HttpResponse<String> r = send("POST", "/api/v1/chart/data", t[0], t[1], QUERY_CONTEXT);
        assertThat(r.statusCode()).isEqualTo(200);
        String sql = JSON.readTree(r.body()).path("result").get(0).path("query").asText();
        assertThat(sql).isEqualTo("SELECT r \nFROM (SELECT * FROM t WHERE r IN ('EU','US') AND d >= '2024-05-01'"
                + " AND status = 'open' LIMIT 7) AS virtual_table \nWHERE r IN ('x') \nLIMIT 10000");
    }

    @Test
    void writesWithoutTheCsrfTokenAreRefused() throws Exception {
        String[] t = login();
        assertThat(send("POST", "/api/v1/chart/data", t[0], null, QUERY_CONTEXT).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/v1/sqllab/execute/", t[0], "wrong", "{}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/v1/chart/data", null, null, QUERY_CONTEXT).statusCode()).isEqualTo(401);
    }

    @Test
    void sqlLabRunsSynchronouslyOrAcceptsAnAsynchronousRun() throws Exception {
        String[] t = login();
        String body = "{\"database_id\":1,\"sql\":\"SELECT {{ x }} WHERE r IN ({{ filter_values('r')|join(',') }})\","
                + "\"schema\":\"s\",\"templateParams\":\"{\\\"x\\\": 5, \\\"_filters\\\": [{\\\"col\\\": \\\"r\\\", "
                + "\\\"op\\\": \\\"IN\\\", \\\"val\\\": [1, 2]}]}\",\"client_id\":\"abcdefghijk\",\"runAsync\":false}";
        HttpResponse<String> sync = send("POST", "/api/v1/sqllab/execute/", t[0], t[1], body);
        assertThat(sync.statusCode()).isEqualTo(200);
        JsonNode a = JSON.readTree(sync.body());
        assertThat(a.path("status").asText()).isEqualTo("success");
        assertThat(a.path("query").path("executedSql").asText()).isEqualTo("SELECT 5 WHERE r IN (1,2)");
        assertThat(a.path("query").path("id").asText()).isEqualTo("abcdefghijk");
        HttpResponse<String> async = send("POST", "/api/v1/sqllab/execute/", t[0], t[1],
                body.replace("\"runAsync\":false", "\"runAsync\":true"));
        assertThat(async.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(async.body()).path("query").path("state").asText()).isEqualTo("pending");
        assertThat(send("POST", "/api/v1/sqllab/execute/", t[0], t[1], "{\"sql\":\"SELECT 1\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void errorsAndSlownessAreInjectedPerPathUntilHealed() throws Exception {
        String[] t = login();
        for (int status : new int[] {401, 403, 404, 422, 500}) {
            superset.sqlLab().fail(FakeSupersetSqlLab.CHART_DATA, status);
            assertThat(send("POST", "/api/v1/chart/data", t[0], t[1], QUERY_CONTEXT).statusCode()).isEqualTo(status);
        }
        superset.sqlLab().heal();
        superset.sqlLab().slow(FakeSupersetSqlLab.SQLLAB_EXECUTE, Duration.ofMillis(300));
        long started = System.nanoTime();
        send("POST", "/api/v1/sqllab/execute/", t[0], t[1], "{\"database_id\":1,\"sql\":\"SELECT 1\"}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        superset.sqlLab().heal();
        assertThat(send("POST", "/api/v1/chart/data", t[0], t[1], QUERY_CONTEXT).statusCode()).isEqualTo(200);
    }
}
