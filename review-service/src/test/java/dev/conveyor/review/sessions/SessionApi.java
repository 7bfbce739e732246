package dev.conveyor.review.sessions;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The sessions API as one user calls it. */
public final class SessionApi {

    private final String user;
    private final String token;

    public SessionApi(String user) {
        this.user = user;
        this.token = SessionTestEnvironment.token(user);
    }

    public String user() {
        return user;
    }

    public RequestSpecification request() {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    public Response create(int datasetId) {
        return request().body(Map.of("environment_id", SessionTestEnvironment.ENVIRONMENT,
                "source_kind", "dataset_selection", "source_input", String.valueOf(datasetId)))
                .post("/review-sessions");
    }

    public JsonPath created(int datasetId) {
        Response r = create(datasetId);
        if (r.statusCode() != 201) {
            throw new AssertionError("create answered " + r.statusCode() + ": " + r.asString());
        }
        return r.jsonPath();
    }

    public JsonPath get(String sessionId) {
        Response r = request().get("/review-sessions/{id}", sessionId);
        if (r.statusCode() != 200) {
            throw new AssertionError("get answered " + r.statusCode() + ": " + r.asString());
        }
        return r.jsonPath();
    }
}
