package dev.conveyor.review.sessions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Object-level authorization (OWASP API1) over every session endpoint: another user gets 404 and
 * changes nothing. Property-level (API3): the fields only the owner or an approver may change.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionAuthorizationIT {

    static final int DATASET = 4201;
    static final SessionApi OWNER = new SessionApi("alice");
    static final SessionApi STRANGER = new SessionApi("mallory");
    static final SessionApi VIEWER = new SessionApi("victor");
    static final SessionApi REVIEWER = new SessionApi("rita");
    static final SessionApi APPROVER = new SessionApi("april");

    static String sessionId;
    static String fieldId;
    static String findingId;
    static String sourceId;
    static String candidateId;
    static String questionId;
    static String artifactId;

    @BeforeAll
    static void aSharedSession() {
        ObjectNode d = FakeSupersetServer.table(DATASET, "payments", "finance", "warehouse", "Card payments");
        FakeSupersetServer.column(d, "amount", "NUMERIC", null, null);
        FakeSupersetServer.column(d, "paid_at", "TIMESTAMP", "Paid at", "When the payment cleared");
        SessionTestEnvironment.superset().dataset(d);
    }

    static synchronized void setUp() {
        if (sessionId != null) {
            return;
        }
        JsonPath s = OWNER.created(DATASET);
        sessionId = s.getString("session_id");
        fieldId = s.getString("fields.find { it.field_name == 'amount' }.field_id");
        findingId = s.getString("findings.find { it.caused_by_ref == '" + fieldId + "' }.finding_id");
        for (SessionApi c : List.of(VIEWER, REVIEWER, APPROVER)) {
            String role = c == VIEWER ? "viewer" : c == REVIEWER ? "reviewer" : "approver";
            OWNER.request().body(Map.of("role", role))
                    .put("/review-sessions/{id}/collaborators/{u}", sessionId, c.user()).then().statusCode(200);
        }
        s = OWNER.request().body(Map.of("source_type", "uploaded_file", "format", "csv",
                "content", "field_name,verbose_name,description\namount,Amount,Paid amount in EUR\n"))
                .post("/review-sessions/{id}/semantic-sources", sessionId).then().statusCode(200).extract().jsonPath();
        sourceId = s.getString("semantic_sources[0].source_id");
        candidateId = s.getString("fields.find { it.field_name == 'amount' }.candidates[0].candidate_id");
        s = WorkerStandIn.clarificationByRule(OWNER, sessionId);
        questionId = s.getString("clarification.current_question_id");
        artifactId = OWNER.request().body(Map.of("artifact_type", "documentation", "format", "json"))
                .post("/review-sessions/{id}/exports", sessionId).then().statusCode(201).extract().path("artifact_id");
    }

    static Stream<Arguments> everyEndpoint() {
        return Stream.of(
                call("GET", "/review-sessions/{id}", null),
                call("GET", "/review-sessions/{id}/events", null),
                call("POST", "/review-sessions/{id}/intake", null),
                call("POST", "/review-sessions/{id}/resume", null),
                call("POST", "/review-sessions/{id}/status", Map.of("status", "cancelled")),
                call("PUT", "/review-sessions/{id}/collaborators/mallory", Map.of("role", "approver")),
                call("DELETE", "/review-sessions/{id}/collaborators/victor", null),
                call("PATCH", "/review-sessions/{id}/profile", Map.of("business_summary", "mine now")),
                call("POST", "/review-sessions/{id}/findings/{finding}/resolution", Map.of("resolution_state", "approved")),
                call("PATCH", "/review-sessions/{id}/fields/{field}", Map.of("verbose_name", "stolen")),
                call("PUT", "/review-sessions/{id}/fields/{field}/feedback", Map.of("user_feedback", "down")),
                call("POST", "/review-sessions/{id}/fields/{field}/confirm", null),
                call("POST", "/review-sessions/{id}/fields/{field}/candidates/{candidate}/accept", null),
                call("POST", "/review-sessions/{id}/semantic-sources", Map.of("source_type", "uploaded_file",
                        "format", "json", "content", "{\"amount\":{\"verbose_name\":\"x\"}}")),
                call("POST", "/review-sessions/{id}/semantic-sources/{source}/apply", null),
                call("POST", "/review-sessions/{id}/semantic-sources/{source}/reject", null),
                call("POST", "/review-sessions/{id}/clarification", null),
                call("POST", "/review-sessions/{id}/clarification/questions/{question}/answer",
                        Map.of("answer_kind", "skipped")),
                call("POST", "/review-sessions/{id}/exports", Map.of("artifact_type", "documentation", "format", "csv")),
                call("GET", "/review-sessions/{id}/exports/{artifact}", null),
                call("GET", "/review-sessions/{id}/exports/{artifact}/content", null));
    }

    private static Arguments call(String method, String path, Object body) {
        return Arguments.of(method, path, body);
    }

    static Response send(SessionApi api, String method, String path, Object body) {
        setUp();
        String url = path.replace("{id}", sessionId).replace("{field}", fieldId).replace("{finding}", findingId)
                .replace("{source}", sourceId).replace("{candidate}", candidateId).replace("{question}", questionId)
                .replace("{artifact}", artifactId);
        var req = api.request();
        if (body != null) {
            req = req.body(body);
        }
        return req.request(method, url);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyEndpoint")
    void anotherUserCannotEvenSeeTheSession(String method, String path, Object body) {
        setUp();
        long before = OWNER.get(sessionId).getLong("version");
        send(STRANGER, method, path, body).then().statusCode(404).contentType("application/problem+json")
                .body("errors[0].field", equalTo("session_id"));
        assertThat(OWNER.get(sessionId).getLong("version")).isEqualTo(before);
    }

    @Test
    void anotherUsersListDoesNotShowTheSession() {
        setUp();
        assertThat(STRANGER.request().get("/review-sessions").then().statusCode(200).extract().jsonPath()
                .getList("session_id")).doesNotContain(sessionId);
        assertThat(VIEWER.request().get("/review-sessions").then().statusCode(200).extract().jsonPath()
                .getList("session_id")).contains(sessionId);
    }

    static Stream<Arguments> roleMatrix() {
        return Stream.of(
                // only the owner: lifecycle and sharing
                Arguments.of("approver", "POST", "/review-sessions/{id}/status", Map.of("status", "paused"), 403),
                Arguments.of("reviewer", "POST", "/review-sessions/{id}/status", Map.of("status", "paused"), 403),
                Arguments.of("approver", "PUT", "/review-sessions/{id}/collaborators/zoe", Map.of("role", "viewer"), 403),
                Arguments.of("approver", "DELETE", "/review-sessions/{id}/collaborators/victor", null, 403),
                // only an approver (or the owner): approvals
                Arguments.of("reviewer", "POST", "/review-sessions/{id}/findings/{finding}/resolution",
                        Map.of("resolution_state", "approved"), 403),
                Arguments.of("reviewer", "PATCH", "/review-sessions/{id}/profile",
                        Map.of("business_summary_source", "confirmed"), 403),
                // a viewer reads only
                Arguments.of("viewer", "PATCH", "/review-sessions/{id}/fields/{field}", Map.of("description", "x"), 403),
                Arguments.of("viewer", "POST", "/review-sessions/{id}/findings/{finding}/resolution",
                        Map.of("resolution_state", "deferred"), 403),
                Arguments.of("viewer", "POST", "/review-sessions/{id}/clarification/questions/{question}/answer",
                        Map.of("answer_kind", "skipped"), 403),
                Arguments.of("viewer", "GET", "/review-sessions/{id}", null, 200),
                // what each role may do
                Arguments.of("reviewer", "PUT", "/review-sessions/{id}/fields/{field}/feedback",
                        Map.of("user_feedback", "up"), 200),
                Arguments.of("approver", "PATCH", "/review-sessions/{id}/profile",
                        Map.of("business_summary_source", "confirmed"), 200));
    }

    @ParameterizedTest(name = "{0} {1} {2}: {4}")
    @MethodSource("roleMatrix")
    void rolesLimitWhatCollaboratorsMayChange(String role, String method, String path, Object body, int status) {
        SessionApi api = switch (role) {
            case "viewer" -> VIEWER;
            case "reviewer" -> REVIEWER;
            default -> APPROVER;
        };
        setUp();
        long before = OWNER.get(sessionId).getLong("version");
        Response r = send(api, method, path, body);
        r.then().statusCode(status);
        if (status == 403) {
            r.then().contentType("application/problem+json");
            assertThat(OWNER.get(sessionId).getLong("version")).isEqualTo(before);
        }
    }

    @Test
    void anApproverApprovesAndTheOwnerMaySetStatus() {
        setUp();
        String other = OWNER.get(sessionId).getString("findings.find { it.resolution_state == 'open' }.finding_id");
        JsonPath s = APPROVER.request().body(Map.of("resolution_state", "approved", "resolution_note", "fine by me"))
                .post("/review-sessions/{id}/findings/{f}/resolution", sessionId, other).then().statusCode(200)
                .extract().jsonPath();
        assertThat(s.getString("findings.find { it.finding_id == '" + other + "' }.resolution_state"))
                .isEqualTo("approved");
    }

    @Test
    void requestsWithoutAValidTokenAre401() {
        setUp();
        given().contentType(ContentType.JSON).get("/review-sessions/{id}", sessionId).then().statusCode(401)
                .contentType("application/problem+json").body("errors[0].field", equalTo("Authorization"));
        given().header("Authorization", "Bearer " + SessionTestEnvironment.forgedToken("alice"))
                .get("/review-sessions/{id}", sessionId).then().statusCode(401);
    }
}
