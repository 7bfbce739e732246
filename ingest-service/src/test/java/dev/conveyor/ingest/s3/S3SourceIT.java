package dev.conveyor.ingest.s3;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.ingest.S3rverResource;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** CSV and NDJSON objects from an S3-compatible server the test starts (s3rver, path-style). */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(value = S3rverResource.class, restrictToAnnotatedClass = true)
class S3SourceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private S3Client s3;

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(S3rverResource.endpoint() != null, S3rverResource.whyUnavailable());
        s3 = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(S3rverResource.endpoint()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3rverResource.ACCESS_KEY, S3rverResource.SECRET)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Plain bodies: s3rver keeps aws-chunked framing as part of the object otherwise.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .build();
    }

    @Test
    void shouldImportEachObjectOnceByKeyAndEtagAndRecordObjectsThatAreNotCsv() throws Exception {
        String bucket = "reviews-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        put(bucket, "in/2026/a.csv", "data_column_1,data_column_2\nI love this movie.,The plot was great.\n"
                + "This is boring.,It dragged a lot.\n");
        put(bucket, "in/2026/b.ndjson", "{\"data_column_1\": \"Amazing performance!\", \"data_column_2\": \"Best part ever.\"}\n");
        put(bucket, "in/2026/broken.csv", "data_column_1\n\"never closed\n");
        put(bucket, "in/2026/picture.png", "\u0089PNG");
        put(bucket, "elsewhere/c.csv", "data_column_1\nnot under the prefix\n");
        String name = "s3-" + UUID.randomUUID();
        String source = "s3://" + bucket + "/in/";
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);

        given().contentType(ContentType.JSON)
                .body(Map.of("endpoint", S3rverResource.endpoint(), "bucket", bucket, "prefix", "in/",
                        "credentials", "s3rver", "path_style", true))
                .when().put("/s3-sources/{name}", name)
                .then().statusCode(200).body("source_connection", is(source)).body("credentials", is("s3rver"));

        JsonPath first = given().when().post("/s3-sources/{name}/pull", name)
                .then().log().ifValidationFails().statusCode(200)
                .body("objects_imported", is(2)).body("rows_imported", is(3))
                .extract().jsonPath();
        assertThat(first.getList("objects_rejected.key", String.class))
                .containsExactlyInAnyOrder("in/2026/broken.csv", "in/2026/picture.png");
        assertThat(first.getString("objects_rejected.find { it.key == 'in/2026/picture.png' }.reason"))
                .contains("neither .csv nor .ndjson");
        assertThat(first.getString("objects_rejected.find { it.key == 'in/2026/broken.csv' }.reason"))
                .contains("not readable as csv");

        given().urlEncodingEnabled(false).when().get("/sources/" + encoded(source)).then().statusCode(200)
                .body("row_count", is(3)).body("columns", equalTo(Map.of("data_column_1", 3, "data_column_2", 3)));
        assertThat(given().urlEncodingEnabled(false).when().get("/sources/" + encoded(source) + "/rows?size=10").then().extract()
                .jsonPath().getList("items.origin", String.class)).containsOnly(source);

        // Nothing new: nothing imported twice, rejected objects are not retried.
        given().when().post("/s3-sources/{name}/pull", name).then().statusCode(200)
                .body("objects_imported", is(0)).body("objects_rejected", equalTo(List.of()));

        // A new version of an object (new ETag) is a new import.
        put(bucket, "in/2026/broken.csv", "data_column_1\nfixed\n");
        given().when().post("/s3-sources/{name}/pull", name).then().statusCode(200)
                .body("objects_imported", is(1)).body("rows_imported", is(1));
        given().urlEncodingEnabled(false).when().get("/sources/" + encoded(source)).then().body("row_count", is(4));
        await().atMost(DEADLINE).until(() -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                .filter(r -> r.value().getSourceConnection().equals(source)).count() == 4);
    }

    @Test
    void shouldPullOnItsScheduleAndReportAMissingBucketClearly() {
        String bucket = "scheduled-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        put(bucket, "rows.jsonl", "{\"text\": \"Great.\"}\n{\"text\": \"Fine.\"}\n");
        String name = "s3-scheduled-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("endpoint", S3rverResource.endpoint(), "bucket", bucket, "credentials", "s3rver",
                        "pull_every", "PT1S"))
                .when().put("/s3-sources/{name}", name).then().statusCode(200).body("path_style", is(true));
        await().atMost(DEADLINE).untilAsserted(() -> given().urlEncodingEnabled(false)
                .when().get("/sources/" + encoded("s3://" + bucket + "/"))
                .then().statusCode(200).body("row_count", is(2)));

        String missing = "s3-missing-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("endpoint", S3rverResource.endpoint(), "bucket", "no-such-bucket-here",
                        "credentials", "s3rver"))
                .when().put("/s3-sources/{name}", missing).then().statusCode(200);
        given().when().post("/s3-sources/{name}/pull", missing).then().statusCode(502)
                .contentType("application/problem+json").body("detail", containsString("S3 store refused"));
        given().when().get("/s3-sources/{name}", missing).then().body("last_error", containsString("refused"));
    }

    /** Raw doubled slashes would be merged: the source name goes encoded. */
    private static String encoded(String source) {
        return source.replace("/", "%2F");
    }

    private void put(String bucket, String key, String content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content.getBytes(StandardCharsets.UTF_8)));
    }
}
