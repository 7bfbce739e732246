package dev.conveyor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The fake Superset's auth and link state answer as Superset does. */
class FakeSupersetAuthTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static FakeSupersetServer superset;

    @BeforeAll
    static void start() {
        superset = FakeSupersetServer.start("u", "p");
        superset.dashboards().dashboard(5, "five", "Five", List.of(9), List.of(
                FakeSupersetDashboards.nativeFilter("NF-1", "Region", "filter_select", 9, "region", false, null)));
        superset.dashboards().dashboardPermalink("pk", "5", FakeSupersetDashboards.dataMask(List.of(
                FakeSupersetDashboards.maskEntry("NF-1", "filter_select", "region", JSON.createArrayNode().add("EU")))),
                List.of(List.of("a", "b")));
    }

    @AfterAll
    static void stop() {
        superset.close();
    }

    static HttpResponse<String> send(String method, String path, String bearer, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(superset.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode login() throws Exception {
        return JSON.readTree(send("POST", "/api/v1/security/login", null,
                "{\"username\":\"u\",\"password\":\"p\",\"provider\":\"db\",\"refresh\":true}").body());
    }

    @Test
    void tokensAreJwtsOfTheirTypeAndExpire() throws Exception {
        JsonNode tokens = login();
        String access = tokens.get("access_token").asText();
        String refresh = tokens.get("refresh_token").asText();
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(access.split("\\.")[1]));
        assertThat(claims.get("type").asText()).isEqualTo("access");
        assertThat(claims.get("exp").asLong()).isGreaterThan(claims.get("iat").asLong());
        assertThat(send("GET", "/api/v1/dashboard/5", access, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/dashboard/5", refresh, null).statusCode()).isEqualTo(422);
        assertThat(send("POST", "/api/v1/security/refresh", access, null).statusCode()).isEqualTo(422);
        assertThat(send("GET", "/api/v1/dashboard/5", access + "x", null).statusCode()).isEqualTo(422);

        superset.auth().expireAccessTokens();
        HttpResponse<String> expired = send("GET", "/api/v1/dashboard/5", access, null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("Token has expired");
        String renewed = JSON.readTree(send("POST", "/api/v1/security/refresh", refresh, null).body())
                .get("access_token").asText();
        assertThat(send("GET", "/api/v1/dashboard/5", renewed, null).statusCode()).isEqualTo(200);
        superset.auth().revokeRefreshTokens();
        assertThat(send("POST", "/api/v1/security/refresh", refresh, null).statusCode()).isEqualTo(401);
    }

    @Test
    void writesNeedTheCsrfTokenOfTheirSession() throws Exception {
        String access = login().get("access_token").asText();
        HttpResponse<String> csrf = send("GET", "/api/v1/security/csrf_token/", access, null);
        String token = JSON.readTree(csrf.body()).get("result").asText();
        String cookie = csrf.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(send("POST", "/api/v1/nothing/", access, "{}").body()).contains("CSRF token is missing");
        assertThat(send("POST", "/api/v1/nothing/", access, "{}", "X-CSRFToken", token).body())
                .contains("CSRF session token is missing");
        assertThat(send("POST", "/api/v1/nothing/", access, "{}", "X-CSRFToken", "forged", "Cookie", cookie).body())
                .contains("do not match");
        assertThat(send("POST", "/api/v1/nothing/", access, "{}", "X-CSRFToken", token, "Cookie", cookie).statusCode())
                .as("past the CSRF check: an unknown path").isEqualTo(404);
    }

    @Test
    void permalinksAndFaults() throws Exception {
        String access = login().get("access_token").asText();
        JsonNode p = JSON.readTree(send("GET", "/api/v1/dashboard/permalink/pk", access, null).body());
        assertThat(p.get("dashboardId").asText()).isEqualTo("5");
        assertThat(p.at("/state/dataMask/NF-1/filterState/value/0").asText()).isEqualTo("EU");
        assertThat(p.at("/state/urlParams/0/1").asText()).isEqualTo("b");
        JsonNode d = JSON.readTree(send("GET", "/api/v1/dashboard/five", access, null).body());
        assertThat(JSON.readTree(d.at("/result/json_metadata").asText())
                .at("/native_filter_configuration/0/targets/0/column/name").asText()).isEqualTo("region");
        superset.faults().fail("/api/v1/dashboard/permalink/.*", 404);
        assertThat(send("GET", "/api/v1/dashboard/permalink/pk", access, null).statusCode()).isEqualTo(404);
        superset.faults().healAll();
        assertThat(send("GET", "/api/v1/dashboard/permalink/pk", access, null).statusCode()).isEqualTo(200);
    }
}
