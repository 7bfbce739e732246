package dev.conveyor.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.config.RestJsonCustomizer;

class RowBatchParserTest {

    private static final ObjectMapper MAPPER = restMapper();

    private static ObjectMapper restMapper() {
        ObjectMapper mapper = new ObjectMapper();
        new RestJsonCustomizer().customize(mapper);
        return mapper;
    }

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    private static List<String> fieldsOf(ProblemException e) {
        return e.problem().errors().stream().map(Problem.FieldError::field).toList();
    }

    @Test
    void shouldKeepStringsAndStoreOtherValuesAsTheirJsonText() throws Exception {
        List<Map<String, String>> rows = RowBatchParser.parse("S3", json("""
                [{"text": "I love this movie.", "int": 42, "decimal": 10.50, "big": 12345678901234567890,
                  "yes": true, "nothing": null, "object": {"a": [1, "x"]}, "array": [1, 2.5, false],
                  "quoted": "42"}]
                """), 10);

        Map<String, String> row = rows.get(0);
        assertThat(row).containsEntry("text", "I love this movie.")
                .containsEntry("int", "42")
                .containsEntry("decimal", "10.50")
                .containsEntry("big", "12345678901234567890")
                .containsEntry("yes", "true")
                .containsEntry("nothing", null)
                .containsEntry("object", "{\"a\":[1,\"x\"]}")
                .containsEntry("array", "[1,2.5,false]")
                .containsEntry("quoted", "42");
    }

    @Test
    void shouldNotRoundDecimals() throws Exception {
        Map<String, String> row = RowBatchParser.parse("S3",
                json("[{\"a\": 0.1, \"b\": 3.14159265358979323846264338, \"c\": 1e3, \"d\": -0.000}]"), 10).get(0);

        assertThat(row).containsEntry("a", "0.1")
                .containsEntry("b", "3.14159265358979323846264338")
                .containsEntry("c", "1000")
                .containsEntry("d", "0.000");
    }

    @Test
    void shouldKeepRowAndColumnOrder() throws Exception {
        List<Map<String, String>> rows = RowBatchParser.parse("S3", json("""
                [{"z": "1", "a": "2"}, {"m": "3"}, {"b": "4", "y": "5"}]
                """), 10);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).keySet()).containsExactly("z", "a");
        assertThat(rows.get(1)).containsExactly(Map.entry("m", "3"));
        assertThat(rows.get(2).keySet()).containsExactly("b", "y");
    }

    @Test
    void shouldRejectABodyThatIsNotANonEmptyArray() throws Exception {
        for (String body : List.of("{\"a\": \"1\"}", "[]", "\"rows\"", "null")) {
            ProblemException e = catchThrowableOfType(ProblemException.class,
                    () -> RowBatchParser.parse("S3", json(body), 10));
            assertThat(e).as(body).isNotNull();
            assertThat(e.problem().status()).isEqualTo(400);
            assertThat(fieldsOf(e)).as(body).containsExactly("body");
        }
        ProblemException missing = catchThrowableOfType(ProblemException.class,
                () -> RowBatchParser.parse("S3", null, 10));
        assertThat(fieldsOf(missing)).containsExactly("body");
    }

    @Test
    void shouldNameEveryOffendingElement() throws Exception {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> RowBatchParser.parse("S3",
                json("[{\"a\": \"ok\"}, 5, {}, {\" \": \"x\"}, [\"a\"], {\"b\": \"ok\"}]"), 10));

        assertThat(fieldsOf(e)).containsExactly("[1]", "[2]", "[3]", "[4]");
        assertThat(e.problem().errors().get(0).message()).contains("JSON object").contains("a number");
        assertThat(e.problem().errors().get(1).message()).contains("at least one column");
        assertThat(e.problem().errors().get(2).message()).contains("blank");
    }

    @Test
    void shouldReportABadSourceTogetherWithBadElements() throws Exception {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> RowBatchParser.parse("has space", json("[{\"a\": \"1\"}, \"x\"]"), 10));

        assertThat(fieldsOf(e)).containsExactly("source", "[1]");
    }

    @Test
    void shouldRejectMoreRowsThanTheLimit() throws Exception {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> RowBatchParser.parse("S3", json("[{\"a\": \"1\"}, {\"a\": \"2\"}, {\"a\": \"3\"}]"), 2));

        assertThat(fieldsOf(e)).containsExactly("body");
        assertThat(e.problem().errors().get(0).message()).contains("3 rows").contains("at most 2");
        assertThat(RowBatchParser.parse("S3", json("[{\"a\": \"1\"}, {\"a\": \"2\"}]"), 2)).hasSize(2);
    }

    @Test
    void shouldAcceptUrlLikeSourceNamesOnly() {
        assertThat(RowBatchParser.isValidSourceName("S3")).isTrue();
        assertThat(RowBatchParser.isValidSourceName("s3://bucket/reviews-2024_01.csv")).isTrue();
        assertThat(RowBatchParser.isValidSourceName("x".repeat(200))).isTrue();
        assertThat(RowBatchParser.isValidSourceName("x".repeat(201))).isFalse();
        assertThat(RowBatchParser.isValidSourceName("")).isFalse();
        assertThat(RowBatchParser.isValidSourceName("has space")).isFalse();
        assertThat(RowBatchParser.isValidSourceName("semi;colon")).isFalse();
        assertThat(RowBatchParser.isValidSourceName(null)).isFalse();
    }

    @Test
    void shouldJudgeEveryNameAloneWhateverCameBefore() {
        // The last valid name is remembered (a poll's records share one): an invalid one stays invalid.
        for (int round = 0; round < 2; round++) {
            assertThat(RowBatchParser.isValidSourceName("reviews")).isTrue();
            assertThat(RowBatchParser.isValidSourceName("reviews")).isTrue();
            assertThat(RowBatchParser.isValidSourceName("reviews;drop")).isFalse();
            assertThat(RowBatchParser.isValidSourceName("has space")).isFalse();
            assertThat(RowBatchParser.isValidSourceName("other")).isTrue();
        }
    }
}
