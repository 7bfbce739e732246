package dev.conveyor.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A rejected batch leaves no trace: not in the database, not on the topic. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class IngestRejectionIT {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    DataSource dataSource;

    private Map<TopicPartition, Long> endOffsetsBefore;
    private long rowsBefore;

    @BeforeEach
    void rememberTopicAndTable() throws Exception {
        endOffsetsBefore = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        rowsBefore = storedRows();
    }

    @Test
    void shouldRejectMalformedJsonNamingTheBody() throws Exception {
        given().contentType(ContentType.JSON).body("[{\"data_column_1\": \"I love this movie.\",")
                .when().post("/sources/S3/rows")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("status", is(400))
                .body("errors.field", equalTo(List.of("body")));

        assertNothingStoredOrPublished();
    }

    @Test
    void shouldRejectTheWholeBatchWhenOneElementIsNotAnObject() throws Exception {
        given().contentType(ContentType.JSON)
                .body("[{\"data_column_1\": \"I love this movie.\"}, \"This is boring.\", {\"data_column_1\": \"x\"}]")
                .when().post("/sources/S3/rows")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("[1]")))
                .body("errors[0].message", containsString("JSON object"));

        assertNothingStoredOrPublished();
    }

    @Test
    void shouldListEveryOffendingFieldAtOnce() throws Exception {
        given().contentType(ContentType.JSON)
                .body("[{\"a\": \"ok\"}, {}, 7, {\"\": \"blank name\"}]")
                .when().post("/sources/has space/rows")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("source", "[1]", "[2]", "[3]")));

        assertNothingStoredOrPublished();
    }

    @Test
    void shouldRejectARowHoldingTheNulCharacterNamingItsColumn() throws Exception {
        given().contentType(ContentType.JSON)
                .body("[{\"data_column_1\": \"ok\"}, {\"data_column_1\": \"nul \\u0000 inside\"}]")
                .when().post("/sources/S3/rows")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("[1]")))
                .body("errors[0].message", containsString("column 'data_column_1' holds the NUL character"));

        assertNothingStoredOrPublished();
    }

    @Test
    void shouldRejectABodyThatIsNotAnArrayOrIsEmpty() throws Exception {
        for (String body : List.of("{\"data_column_1\": \"I love this movie.\"}", "[]")) {
            given().contentType(ContentType.JSON).body(body)
                    .when().post("/sources/S3/rows")
                    .then().statusCode(400).contentType(PROBLEM_JSON)
                    .body("errors.field", equalTo(List.of("body")));
        }
        given().contentType(ContentType.JSON)
                .when().post("/sources/S3/rows")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("body")));

        assertNothingStoredOrPublished();
    }

    @Test
    void shouldRejectMoreRowsThanTheConfiguredMaximum() throws Exception {
        List<Map<String, String>> rows = java.util.Collections.nCopies(10_001, Map.of("a", "1"));
        given().contentType(ContentType.JSON).body(rows)
                .when().post("/sources/S3/rows")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("body")))
                .body("errors[0].message", containsString("at most 10000"));

        assertNothingStoredOrPublished();
    }

    @Test
    void shouldRejectABatchWithARowTooLargeForOneKafkaRecordNamingTheRow() throws Exception {
        // Checked before anything is stored: the outbox never holds a row the broker would refuse.
        String source = "too-large-" + UUID.randomUUID();
        List<Map<String, String>> rows = List.of(Map.of("a", "small"), Map.of("a", "x".repeat(1_200_000)));

        given().contentType(ContentType.JSON).body(rows)
                .when().post("/sources/" + source + "/rows")
                .then().statusCode(413).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("[1]")))
                .body("errors[0].message", containsString("Kafka record"));

        assertNothingStoredOrPublished();
        given().when().get("/sources/" + source).then().statusCode(404);
    }

    @Test
    void shouldAnswerABodyOverTheLimitWithProblemJson() throws Exception {
        // 12 MB of JSON: over max-json-body-bytes (10 MiB).
        String row = "{\"a\": \"" + "x".repeat(1000) + "\"},";
        String body = "[" + row.repeat(12_000) + "{\"a\": \"end\"}]";

        given().contentType(ContentType.JSON).body(body)
                .when().post("/sources/S3/rows")
                .then().statusCode(413).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("body")))
                .body("detail", containsString("NDJSON or CSV"));

        assertNothingStoredOrPublished();
    }

    private void assertNothingStoredOrPublished() throws Exception {
        assertThat(KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS)).isEqualTo(endOffsetsBefore);
        assertThat(storedRows()).isEqualTo(rowsBefore);
    }

    private long storedRows() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from source_data")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
