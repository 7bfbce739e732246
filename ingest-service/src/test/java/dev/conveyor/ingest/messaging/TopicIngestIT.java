package dev.conveyor.ingest.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.ingest.KafkaProbe.Position;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.EventSerde;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Rows produced straight onto the topic by users are stored; records that cannot be rows are dead-lettered. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class TopicIngestIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final EventSerde<RowIngested> ROWS = EventSerde.of(RowIngested.class);

    @Test
    void shouldStoreARowProducedStraightOntoTheTopicOnce() throws Exception {
        String source = "users-topic-" + UUID.randomUUID();
        String referenceId = UUID.randomUUID().toString();
        Instant ingestedAt = Instant.parse("2024-05-01T10:15:30.123Z");
        RowIngested row = RowIngested.newBuilder()
                .setReferenceId(referenceId)
                .setSourceConnection(source)
                .setColumns(Map.of("data_column_1", "Amazing performance!", "data_column_2", "Best part ever."))
                .setIngestedAt(ingestedAt)
                .build();

        KafkaProbe.produceRaw(List.of(record(referenceId, ROWS.serialize(Topics.SOURCE_ROWS.name(), row))));

        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}/rows", source)
                .then().statusCode(200).body("total", is(1)));
        given().when().get("/sources/{source}/rows", source).then()
                .body("items[0].reference_id", is(referenceId))
                .body("items[0].source_connection", is(source))
                .body("items[0].columns", equalTo(row.getColumns()))
                .body("items[0].batch_id", nullValue())
                .body("items[0].created_at", is(ingestedAt.toString()));

        // A duplicate (a user's retry) is a no-op: neither a second row nor a second count.
        List<RecordMetadata> again = KafkaProbe.produceRaw(
                List.of(record(referenceId, ROWS.serialize(Topics.SOURCE_ROWS.name(), row))));
        await().atMost(DEADLINE).until(() -> KafkaProbe.groupHasCommittedPast("conveyor-ingest",
                again.stream().map(Position::of).toList()));
        given().when().get("/sources/{source}", source).then().statusCode(200)
                .body("row_count", is(1))
                .body("columns", equalTo(Map.of("data_column_1", 1, "data_column_2", 1)));
        given().when().get("/sources/{source}/rows", source).then().body("total", is(1));
    }

    @Test
    void shouldDeadLetterRecordsThatCannotBeRowsAndStoreTheGoodOneOfTheSameBatch() throws Exception {
        String source = "mixed-batch-" + UUID.randomUUID();
        Map<TopicPartition, Long> deadLettersBefore = KafkaProbe.committedEndOffsets(Topics.DEAD_LETTER);
        RowIngested good = event(UUID.randomUUID().toString(), source, Map.of("data_column_1", "I love this movie."));
        byte[] notAUuid = encode(event("1111-aaaa-bbbb-0001", source, Map.of("data_column_1", "This is boring.")));
        byte[] blankSource = encode(event(UUID.randomUUID().toString(), " ", Map.of("data_column_1", "x")));
        byte[] noColumns = encode(event(UUID.randomUUID().toString(), source, Map.of()));
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);

        // One key, so one partition: the consumer gets them in a single poll, the good row last.
        String key = "mixed-" + UUID.randomUUID();
        KafkaProbe.produceRaw(List.of(record(key, notAUuid), record(key, blankSource), record(key, noColumns),
                record(key, garbage), record(key, encode(good))));

        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/{source}/rows", source)
                .then().statusCode(200).body("total", is(1))
                .body("items[0].reference_id", is(good.getReferenceId())));
        given().when().get("/sources/{source}", source).then()
                .body("row_count", is(1)).body("columns", equalTo(Map.of("data_column_1", 1)));

        List<RecordDeadLettered> deadLetters = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.DEAD_LETTER, deadLettersBefore).stream()
                        .map(ConsumerRecord::value)
                        .filter(d -> key.equals(keyOf(d)))
                        .toList(),
                found -> found.size() >= 4);
        assertThat(deadLetters).hasSize(4).allSatisfy(d -> {
            assertThat(d.getService()).isEqualTo("ingest-service");
            assertThat(d.getSourceTopic()).isEqualTo(Topics.SOURCE_ROWS.name());
        });
        assertThat(reasonFor(deadLetters, notAUuid)).contains("referenceId is not a UUID");
        assertThat(reasonFor(deadLetters, blankSource)).contains("sourceConnection is blank");
        assertThat(reasonFor(deadLetters, noColumns)).contains("columns are empty");
        assertThat(reasonFor(deadLetters, garbage)).contains("undecodable");
    }

    private static RowIngested event(String referenceId, String source, Map<String, String> columns) {
        return RowIngested.newBuilder()
                .setReferenceId(referenceId)
                .setSourceConnection(source)
                .setColumns(columns)
                .setIngestedAt(Instant.now())
                .build();
    }

    private static byte[] encode(RowIngested event) {
        return ROWS.serialize(Topics.SOURCE_ROWS.name(), event);
    }

    private static ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(Topics.SOURCE_ROWS.name(), key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static String keyOf(RecordDeadLettered deadLetter) {
        return Optional.ofNullable(deadLetter.getKey())
                .map(k -> StandardCharsets.UTF_8.decode(k.duplicate()).toString())
                .orElse(null);
    }

    private static String reasonFor(List<RecordDeadLettered> deadLetters, byte[] value) {
        return deadLetters.stream()
                .filter(d -> d.getValue() != null && d.getValue().equals(ByteBuffer.wrap(value)))
                .map(RecordDeadLettered::getReason)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter holds the record " + new String(value,
                        StandardCharsets.UTF_8)));
    }
}
