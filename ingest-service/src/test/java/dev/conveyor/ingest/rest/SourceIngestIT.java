package dev.conveyor.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.ingest.KafkaProbe.Position;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class SourceIngestIT {

    /** The seed's three source rows, in order. */
    private static final List<Map<String, String>> SEED_ROWS = List.of(
            Map.of("data_column_1", "I love this movie.", "data_column_2", "The plot was great."),
            Map.of("data_column_1", "This is boring.", "data_column_2", "It dragged a lot."),
            Map.of("data_column_1", "Amazing performance!", "data_column_2", "Best part ever."));

    @Test
    void shouldStoreCatalogueAndPublishTheSeedRowsInOneGo() throws Exception {
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);

        JsonPath receipt = given().contentType(ContentType.JSON).body(SEED_ROWS)
                .when().post("/sources/S3/rows")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("source_connection", is("S3"))
                .body("batch_id", notNullValue())
                .body("reference_ids", hasSize(3))
                .extract().jsonPath();
        List<String> ids = receipt.getList("reference_ids", String.class);
        String batchId = receipt.getString("batch_id");

        JsonPath rows = given().when().get("/sources/S3/rows")
                .then().statusCode(200)
                .body("total", is(3)).body("page", is(0)).body("size", is(50))
                .body("items.reference_id", containsInAnyOrder(ids.toArray()))
                .extract().jsonPath();
        for (int i = 0; i < ids.size(); i++) {
            String item = "items.find { it.reference_id == '" + ids.get(i) + "' }";
            assertThat(rows.getMap(item + ".columns")).as("row %d", i).isEqualTo(SEED_ROWS.get(i));
            assertThat(rows.getString(item + ".source_connection")).isEqualTo("S3");
            assertThat(rows.getString(item + ".batch_id")).isEqualTo(batchId);
        }
        Instant createdAt = Instant.parse(rows.getString("items[0].created_at"));

        given().when().get("/sources/S3")
                .then().statusCode(200)
                .body("source_connection", is("S3"))
                .body("row_count", is(3))
                .body("columns", equalTo(Map.of("data_column_1", 3, "data_column_2", 3)));

        // The outbox relay publishes after the commit: each row once, under its reference id.
        List<ConsumerRecord<String, RowIngested>> published = await().atMost(Duration.ofSeconds(30)).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                        .filter(r -> ids.contains(r.key())).toList(),
                found -> found.size() >= 3);
        assertThat(published).hasSize(3);
        Map<String, ConsumerRecord<String, RowIngested>> byKey = KafkaProbe.byKey(published);
        for (int i = 0; i < ids.size(); i++) {
            RowIngested event = byKey.get(ids.get(i)).value();
            assertThat(event.getReferenceId()).isEqualTo(ids.get(i));
            assertThat(event.getSourceConnection()).isEqualTo("S3");
            assertThat(event.getColumns()).isEqualTo(SEED_ROWS.get(i));
            assertThat(event.getBatchId()).isEqualTo(batchId);
            assertThat(event.getIngestedAt()).isEqualTo(createdAt);
        }

        // Our own consumer reads these rows back; they are stored already, so nothing may change.
        List<Position> positions = published.stream().map(Position::of).toList();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> KafkaProbe.groupHasCommittedPast("conveyor-ingest", positions));
        given().when().get("/sources/S3").then().statusCode(200)
                .body("row_count", is(3))
                .body("columns", equalTo(Map.of("data_column_1", 3, "data_column_2", 3)));
        given().when().get("/sources/S3/rows").then().body("total", is(3));
    }

    @Test
    void shouldAddLaterBatchesToTheCatalogueAndPageInArrivalOrder() {
        String source = "paging-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        ids.addAll(post(source, List.of(Map.of("a", "1"), Map.of("a", "2", "b", "x"))));
        ids.addAll(post(source, List.of(Map.of("b", "3"), Map.of("a", "4"), Map.of("c", "5"))));

        given().when().get("/sources/{source}", source).then().statusCode(200)
                .body("row_count", is(5))
                .body("columns", equalTo(Map.of("a", 3, "b", 2, "c", 1)));

        List<Map<String, Object>> all = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            JsonPath body = given().queryParam("page", page).queryParam("size", 2)
                    .when().get("/sources/{source}/rows", source)
                    .then().statusCode(200)
                    .body("page", is(page)).body("size", is(2)).body("total", is(5))
                    .extract().jsonPath();
            all.addAll(body.getList("items"));
        }
        assertThat(all).extracting(item -> (String) item.get("reference_id")).containsExactlyInAnyOrderElementsOf(ids);
        // Sorted by created_at, then each batch in the order its rows were sent: the first batch first.
        assertThat(all).isSortedAccordingTo(Comparator
                .comparing(item -> Instant.parse((String) item.get("created_at"))));
        assertThat(all).extracting(item -> (String) item.get("reference_id")).containsExactlyElementsOf(ids);
        assertThat(all).extracting(item -> item.get("line")).containsExactly(1, 2, 1, 2, 3);
        assertThat(all).extracting(item -> item.get("origin")).containsOnly("rest");
    }

    @Test
    void shouldTakeSourceNamesWithSlashesAndColons() {
        String source = "s3:/bucket-" + UUID.randomUUID() + "/reviews.csv";
        List<String> ids = post(source, List.of(Map.of("data_column_1", "Best part ever.")));

        given().when().get("/sources/" + source).then().statusCode(200)
                .body("source_connection", is(source)).body("row_count", is(1));
        given().when().get("/sources/" + source + "/rows").then().statusCode(200)
                .body("items.reference_id", equalTo(ids));
        given().when().get("/sources").then().statusCode(200)
                .body("items.source_connection", hasItem(source));

        // Doubled slashes would be merged in a raw path: sent encoded, the name comes through whole.
        String url = "s3://bucket-" + UUID.randomUUID() + "/reviews.csv";
        String encoded = url.replace("/", "%2F");
        given().urlEncodingEnabled(false).contentType(ContentType.JSON).body(List.of(Map.of("a", "1")))
                .when().post("/sources/" + encoded + "/rows")
                .then().statusCode(201).body("source_connection", is(url));
        given().urlEncodingEnabled(false).when().get("/sources/" + encoded)
                .then().statusCode(200).body("source_connection", is(url)).body("row_count", is(1));
    }

    @Test
    void shouldListTheCatalogueInPages() {
        String source = "listed-" + UUID.randomUUID();
        post(source, List.of(Map.of("a", "1")));

        int total = given().when().get("/sources").then().statusCode(200)
                .body("page", is(0)).body("size", is(50))
                .body("items.source_connection", hasItem(source))
                .body("items.find { it.source_connection == '" + source + "' }.row_count", is(1))
                .extract().path("total");
        assertThat(total).isGreaterThanOrEqualTo(1);
        given().queryParam("size", 1).when().get("/sources").then().statusCode(200)
                .body("items", hasSize(1)).body("total", is(total));
    }

    @Test
    void shouldAnswer404NamingTheSourceWhenItIsUnknown() {
        String unknown = "never-ingested-" + UUID.randomUUID();
        given().when().get("/sources/{source}", unknown)
                .then().statusCode(404).contentType("application/problem+json")
                .body("status", is(404)).body("errors[0].field", is("source"));
        given().when().get("/sources/{source}/rows", unknown)
                .then().statusCode(404).contentType("application/problem+json")
                .body("errors[0].field", is("source"));
    }

    @Test
    void shouldRejectPageSizesOutsideOneToFiveHundred() {
        String source = "sized-" + UUID.randomUUID();
        post(source, List.of(Map.of("a", "1")));
        for (String size : List.of("0", "501", "ten")) {
            given().queryParam("size", size).when().get("/sources/{source}/rows", source)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", equalTo(List.of("size")));
        }
        given().queryParam("page", -1).queryParam("size", 0).when().get("/sources/{source}/rows", source)
                .then().statusCode(400).body("errors.field", equalTo(List.of("page", "size")));
        given().queryParam("size", 500).when().get("/sources/{source}/rows", source)
                .then().statusCode(200).body("size", is(500)).body("total", is(1));
    }

    @Test
    void shouldReportReadyOnceKafkaAndTheDatabaseAre() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"));
    }

    static List<String> post(String source, List<Map<String, String>> rows) {
        return given().contentType(ContentType.JSON).body(rows)
                .when().post("/sources/" + source + "/rows")
                .then().statusCode(201)
                .body("source_connection", is(source))
                .extract().jsonPath().getList("reference_ids", String.class);
    }
}
