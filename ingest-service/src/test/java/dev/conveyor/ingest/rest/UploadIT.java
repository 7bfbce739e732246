package dev.conveyor.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** NDJSON and CSV uploads, streamed; a bad line rejects the file (default) or only itself. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class UploadIT {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void shouldStoreAndPublishAnNdjsonUpload() throws Exception {
        String source = "ndjson-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        String body = """
                {"data_column_1": "I love this movie.", "data_column_2": "The plot was great."}
                {"data_column_1": "This is boring.", "data_column_2": "It dragged a lot."}

                {"data_column_1": "Amazing performance!", "data_column_2": "Best part ever."}
                """;

        JsonPath receipt = given().contentType("application/x-ndjson; charset=utf-8").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(201).contentType("application/json")
                .body("accepted", is(3)).body("rejected", is(0)).body("rejections", equalTo(List.of()))
                .extract().jsonPath();

        given().when().get("/sources/{source}", source).then().statusCode(200)
                .body("row_count", is(3)).body("columns", equalTo(Map.of("data_column_1", 3, "data_column_2", 3)));
        List<String> ids = given().when().get("/sources/{source}/rows", source).then()
                .body("items.batch_id", equalTo(List.of(receipt.getString("batch_id"), receipt.getString("batch_id"),
                        receipt.getString("batch_id"))))
                .extract().jsonPath().getList("items.reference_id", String.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before)
                .stream().filter(r -> ids.contains(r.key())).count() >= 3);
    }

    @Test
    void shouldPublishAnUploadLargerThanOneRelayRoundEveryRowOnce() throws Exception {
        // More rows than a relay round takes (2000) and than the emitter's default buffer (256).
        String source = "ndjson-many-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            body.append("{\"n\": \"").append(i).append("\"}\n");
        }

        given().contentType("application/x-ndjson; charset=utf-8").body(body.toString().getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(201).body("accepted", is(5000));

        List<String> keys = await().atMost(Duration.ofSeconds(60)).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                        .filter(r -> r.value().getSourceConnection().equals(source)).map(r -> r.key()).toList(),
                found -> found.size() >= 5000);
        assertThat(keys).hasSize(5000).doesNotHaveDuplicates();
    }

    @Test
    void shouldRejectTheWholeFileByDefaultListingEveryBadLine() {
        String source = "ndjson-bad-" + UUID.randomUUID();
        String body = "{\"a\": \"ok\"}\n{\"a\": \n{\"a\": \"ok too\"}\n[1]\n";

        given().contentType("application/x-ndjson; charset=utf-8").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("line 2", "line 4")))
                .body("detail", containsString("nothing was stored"));

        given().when().get("/sources/{source}", source).then().statusCode(404);
    }

    @Test
    void shouldStoreTheGoodLinesWithRejectLineAndReportTheBadOnes() {
        String source = "ndjson-line-" + UUID.randomUUID();
        byte[] latin1Line = "{\"a\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] rest = "{\"a\": \"ok\"}\n{\"a\": \n{\"a\": \"ok too\"}\n{\"a\": \"nul \\u0000\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[latin1Line.length + rest.length];
        System.arraycopy(latin1Line, 0, body, 0, latin1Line.length);
        System.arraycopy(rest, 0, body, latin1Line.length, rest.length);

        given().contentType("application/x-ndjson; charset=utf-8").queryParam("reject", "line").body(body)
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(201)
                .body("accepted", is(2)).body("rejected", is(3))
                .body("rejections.line", equalTo(List.of(1, 3, 5)))
                .body("rejections[0].reason", containsString("not valid UTF-8"))
                .body("rejections[1].reason", containsString("malformed JSON"))
                .body("rejections[2].reason", containsString("column 'a' holds the NUL character"));

        given().when().get("/sources/{source}", source).then().statusCode(200).body("row_count", is(2));
    }

    @Test
    void shouldRejectA50MegabyteLineAloneWithoutFailingTheUpload() {
        String source = "ndjson-huge-" + UUID.randomUUID();
        InputStream body = new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream("{\"a\": \"before\"}\n{\"a\": \"".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream(new byte[50 * 1024 * 1024]) {
                    { java.util.Arrays.fill(buf, (byte) 'x'); }
                },
                new ByteArrayInputStream("\"}\n{\"a\": \"after\"}\n".getBytes(StandardCharsets.UTF_8)))));

        given().contentType("application/x-ndjson; charset=utf-8").queryParam("reject", "line").body(body)
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(201)
                .body("accepted", is(2)).body("rejected", is(1))
                .body("rejections[0].line", is(2))
                .body("rejections[0].reason", containsString("longer than"));
    }

    @Test
    void shouldTakeCsvWithBomAndQuotingAndReportRaggedRows() {
        String source = "csv-" + UUID.randomUUID();
        String csv = "\uFEFFdata_column_1,data_column_2\r\n"
                + "I love this movie.,\"The plot was great, truly.\"\r\n"
                + "only one field\r\n"
                + "\"She said \"\"wow\"\"\",\"two\nlines\"\r\n";

        given().contentType("text/csv; charset=utf-8").queryParam("reject", "line")
                .body(csv.getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(201)
                .body("accepted", is(2)).body("rejected", is(1))
                .body("rejections[0].line", is(3))
                .body("rejections[0].reason", is("has 1 fields, the header has 2"));

        JsonPath rows = given().when().get("/sources/{source}/rows", source).then().statusCode(200)
                .body("total", is(2)).extract().jsonPath();
        assertThat(rows.getList("items.columns.data_column_2", String.class))
                .containsExactlyInAnyOrder("The plot was great, truly.", "two\nlines");
        assertThat(rows.getList("items.columns.data_column_1", String.class)).contains("She said \"wow\"");

        // The same file with the default: the ragged row rejects it, nothing is added.
        given().contentType("text/csv; charset=utf-8").body(csv.getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("line 3")));
        given().when().get("/sources/{source}", source).then().body("row_count", is(2));
    }

    @Test
    void shouldRejectACsvThatIsNotUtf8OrNotCsvWhole() {
        String source = "csv-bad-" + UUID.randomUUID();
        given().contentType("text/csv; charset=utf-8").queryParam("reject", "line")
                .body("a\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("detail", containsString("not valid UTF-8"));
        given().contentType("text/csv; charset=utf-8").queryParam("reject", "line")
                .body("a\n\"never closed\n1\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(400).contentType(PROBLEM_JSON);
        given().contentType("text/csv; charset=iso-8859-1").body("a\n1\n".getBytes(StandardCharsets.ISO_8859_1))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(415).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("Content-Type")));
        given().contentType("text/csv; charset=utf-8").queryParam("reject", "row").body("a\n1\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/sources/{source}/rows", source)
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("reject")));

        given().when().get("/sources/{source}", source).then().statusCode(404);
    }
}
