package dev.conveyor.ingest.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Rows produced as plain JSON text, the way {@code kcat -P -t conveyor.source-rows-json -k S3} or
 * {@code kafka-console-producer} send them (string key, string value, no transaction).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class JsonIntakeIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TOPIC = Topics.SOURCE_ROWS_JSON.name();

    @Test
    void shouldStoreAndPublishJsonLinesKeyedBySourceAndDeadLetterBadOnesWithTheReasonInHeaders()
            throws Exception {
        String source = "kcat-" + UUID.randomUUID();
        Map<TopicPartition, Long> rowsBefore = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        Map<TopicPartition, Long> deadBefore = KafkaProbe.committedEndOffsets(Topics.DEAD_LETTER);

        // One key, one partition: bad records sit between the good ones.
        produce(List.of(
                new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"I love this movie.\", \"data_column_2\": \"The plot was great.\"}"),
                new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"This is boring.\""),
                new ProducerRecord<>(TOPIC, source, "[\"not a row\"]"),
                new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"nul \\u0000 inside\"}"),
                new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"Amazing performance!\", \"data_column_2\": \"Best part ever.\"}")));

        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}", source)
                .then().statusCode(200).body("row_count", is(2)));
        JsonPath rows = given().when().get("/sources/{source}/rows", source).then().statusCode(200)
                .body("total", is(2)).extract().jsonPath();
        assertThat(rows.getList("items.origin", String.class)).containsOnly("kafka:" + TOPIC);
        assertThat(rows.getList("items.columns.data_column_1", String.class))
                .containsExactlyInAnyOrder("I love this movie.", "Amazing performance!");
        List<String> ids = rows.getList("items.reference_id", String.class);

        // Relayed to the internal topic as RowIngested, as REST rows are.
        List<ConsumerRecord<String, RowIngested>> published = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, rowsBefore).stream()
                        .filter(r -> ids.contains(r.key())).toList(),
                found -> found.size() >= 2);
        assertThat(published).extracting(r -> r.value().getSourceConnection()).containsOnly(source);

        List<ConsumerRecord<byte[], RecordDeadLettered>> dead = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.DEAD_LETTER, deadBefore).stream()
                        .filter(r -> r.key() != null && source.equals(new String(r.key(), StandardCharsets.UTF_8)))
                        .toList(),
                found -> found.size() >= 3);
        assertThat(dead).hasSize(3);
        for (ConsumerRecord<byte[], RecordDeadLettered> record : dead) {
            // The reason is readable without Avro: kcat -C -t conveyor.dead-letter -f '%h'
            String headerReason = new String(record.headers().lastHeader("dead-letter-reason").value(),
                    StandardCharsets.UTF_8);
            assertThat(headerReason).isEqualTo(record.value().getReason());
            assertThat(new String(record.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                    .isEqualTo(TOPIC);
            assertThat(record.value().getService()).isEqualTo("ingest-service");
        }
        assertThat(dead).extracting(r -> r.value().getReason())
                .anySatisfy(reason -> assertThat(reason).startsWith("malformed JSON"))
                .anySatisfy(reason -> assertThat(reason).contains("must be a JSON object"))
                .anySatisfy(reason -> assertThat(reason).contains("NUL character (U+0000)"));
        assertThat(dead).extracting(r -> StandardCharsets.UTF_8.decode(r.value().getValue().duplicate()).toString())
                .contains("[\"not a row\"]");
    }

    @Test
    void shouldKeepAReferenceIdHeaderSoThatAResentRecordIsNotANewRow() throws Exception {
        String source = "resent-" + UUID.randomUUID();
        String referenceId = UUID.randomUUID().toString();
        ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"Best part ever.\"}");
        record.headers().add("reference_id", referenceId.getBytes(StandardCharsets.UTF_8));

        produce(List.of(record));
        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}/rows", source)
                .then().statusCode(200).body("items.reference_id", equalTo(List.of(referenceId))));

        // Sent again, then a marker row behind it on the same partition: once the marker is stored,
        // the resent record has been handled.
        ProducerRecord<String, String> again = new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"Best part ever.\"}");
        again.headers().add("reference_id", referenceId.getBytes(StandardCharsets.UTF_8));
        produce(List.of(again, new ProducerRecord<>(TOPIC, source, "{\"marker\": \"after\"}")));
        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}", source)
                .then().statusCode(200).body("columns.marker", is(1)));
        given().when().get("/sources/{source}", source).then()
                .body("row_count", is(2))
                .body("columns", equalTo(Map.of("data_column_1", 1, "marker", 1)));
    }

    @Test
    void shouldTakeTheSourceFromAHeaderWhenTheRecordHasNoKey() throws Exception {
        String source = "headered-" + UUID.randomUUID();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, null,
                "{\"data_column_1\": \"x\"}".getBytes(StandardCharsets.UTF_8));
        record.headers().add("source", source.getBytes(StandardCharsets.UTF_8));
        KafkaProbe.produceRaw(List.of(record));

        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}", source)
                .then().statusCode(200).body("row_count", is(1)));
    }

    @Test
    void shouldStoreEveryRowOnceAndCommitPastEveryPollWhenReferenceIdsComeBackInLaterPolls() throws Exception {
        // 30,000 records on one partition (one key): at 10,000 a poll, three polls or more. Each
        // reference id is sent twice, the copies in different polls (the second copy meets the
        // first stored and takes the on-conflict path); the group must commit past the last
        // record, and store each row once.
        String source = "pipelined-" + UUID.randomUUID();
        byte[] key = source.getBytes(StandardCharsets.UTF_8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 15_000; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            for (int i = 0; i < ids.size(); i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, key,
                        ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8));
                record.headers().add("reference_id", ids.get(i).getBytes(StandardCharsets.UTF_8));
                records.add(record);
            }
        }
        List<KafkaProbe.Position> sent = KafkaProbe.produceRaw(records).stream().map(KafkaProbe.Position::of).toList();

        await().atMost(Duration.ofSeconds(60)).until(() -> KafkaProbe.groupHasCommittedPast(
                "conveyor-ingest-intake", List.of(sent.get(sent.size() - 1))));
        given().when().get("/sources/{source}", source).then().statusCode(200)
                .body("row_count", is(15_000))
                .body("columns", equalTo(Map.of("n", 15_000)));
    }

    @Test
    void shouldReadABatchPostgreSQLRefusedAgainUntilItIsStoredLosingNoRow() throws Exception {
        String source = "refused-" + UUID.randomUUID();
        // PostgreSQL refuses this source's rows until the trigger is dropped: the whole batch fails.
        sql("create function refuse_" + suffix(source) + "() returns trigger language plpgsql as $$ begin "
                + "if new.source_connection = '" + source + "' then raise exception 'refused for the test'; end if; "
                + "return new; end $$");
        sql("create trigger refuse_" + suffix(source) + " before insert on source_data for each row execute function refuse_"
                + suffix(source) + "()");
        try {
            produce(List.of(
                    new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"one\"}"),
                    new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"two\"}"),
                    new ProducerRecord<>(TOPIC, source, "{\"data_column_1\": \"three\"}")));

            // Retried with back-off, reported on the readiness check, nothing committed or stored.
            await().atMost(DEADLINE).until(() -> intakeHealth().getInt("'ingest-intake.consecutive-failures'") >= 2);
            assertThat(intakeHealth().getString("'ingest-intake.last-failure'")).contains("refused for the test");
            given().when().get("/sources/{source}", source).then().statusCode(404);
        } finally {
            sql("drop trigger refuse_" + suffix(source) + " on source_data");
        }

        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}", source)
                .then().statusCode(200).body("row_count", is(3)));
        assertThat(intakeHealth().getInt("'ingest-intake.consecutive-failures'")).isZero();
        JsonPath rows = given().when().get("/sources/{source}/rows", source).then().statusCode(200).extract().jsonPath();
        assertThat(rows.getList("items.columns.data_column_1", String.class))
                .containsExactlyInAnyOrder("one", "two", "three");
    }

    @Inject
    DataSource dataSource;

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static String suffix(String source) {
        return source.substring(source.length() - 12);
    }

    /** The data of the consumers' readiness check. */
    private static JsonPath intakeHealth() {
        return given().when().get("/q/health/ready").then().extract().jsonPath()
                .setRootPath("checks.find { it.name == 'ingest-kafka-consumers' }.data");
    }

    /** A plain producer with string serializers, as kcat and kafka-console-producer are. */
    static void produce(List<ProducerRecord<String, String>> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            records.forEach(r -> sent.add(producer.send(r)));
            producer.flush();
            for (var future : sent) {
                future.get();
            }
        }
    }

}
