package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;

class AnswerValidatorTest {

    private static final ProcessStep SENTIMENT = BuiltInProcesses.shortForm("sentiment", "text");

    @Test
    void shouldCanonicalizeALabelWrittenLoosely() {
        for (String answer : List.of("Positive", "positive.", " **POSITIVE** ", "\"Positive\"", "Label: Positive")) {
            assertThat(AnswerValidator.check(SENTIMENT, answer).answer()).as(answer).isEqualTo("Positive");
        }
    }

    @Test
    void shouldRefuseAnAnswerOutsideTheLabels() {
        AnswerValidator.Verdict verdict = AnswerValidator.check(SENTIMENT, "Mostly positive");

        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.problem()).isEqualTo("answer \"Mostly positive\" is not one of Positive, Negative, Neutral");
    }

    @Test
    void shouldAcceptJsonValidAgainstTheSchemaAndCompactIt() {
        ProcessStep extract = extract("{\"type\":\"object\",\"required\":[\"name\"]}");

        assertThat(AnswerValidator.check(extract, "```json\n{ \"name\": \"Ada\" }\n```").answer())
                .isEqualTo("{\"name\":\"Ada\"}");
    }

    @Test
    void shouldRefuseJsonThatBreaksTheSchema() {
        ProcessStep extract = extract("{\"type\":\"object\",\"required\":[\"name\"],"
                + "\"properties\":{\"name\":{\"type\":\"string\"}}}");

        assertThat(AnswerValidator.check(extract, "{\"name\": 3}").problem()).contains("JSON Schema");
        assertThat(AnswerValidator.check(extract, "{}").problem()).contains("name");
        assertThat(AnswerValidator.check(extract, "Ada").problem()).startsWith("answer is not JSON");
    }

    @Test
    void shouldRefuseAnEmptyAnswer() {
        assertThat(AnswerValidator.check(BuiltInProcesses.shortForm("summary", "t"), "  ").valid()).isFalse();
    }

    private static ProcessStep extract(String schema) {
        return ProcessStep.newBuilder().setName("x").setColumn("t").setColumns(List.of("t"))
                .setType(ProcessType.EXTRACT).setTemplate("Extract from {{t}}").setJsonSchema(schema).build();
    }
}
