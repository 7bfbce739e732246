package dev.conveyor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SentimentLabelTest {

    static Stream<Arguments> answersNamingOneLabel() {
        return Stream.of(
                Arguments.of("Positive", SentimentLabel.Positive),
                Arguments.of("positive", SentimentLabel.Positive),
                Arguments.of("  NEGATIVE \n", SentimentLabel.Negative),
                Arguments.of("Neutral.", SentimentLabel.Neutral),
                Arguments.of("\"Positive\"", SentimentLabel.Positive),
                Arguments.of("'negative'.", SentimentLabel.Negative),
                Arguments.of("**Neutral**", SentimentLabel.Neutral),
                Arguments.of("Positive!", SentimentLabel.Positive),
                Arguments.of("\u201CPositive.\u201D", SentimentLabel.Positive));
    }

    @ParameterizedTest
    @MethodSource("answersNamingOneLabel")
    void shouldNormalizeAnswersThatNameOneLabel(String answer, SentimentLabel expected) {
        assertThat(SentimentLabel.fromAnswer(answer)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Maybe", "", "   ", "Positive or Negative", "The sentiment is Positive", "Mixed",
            "Pos", "Positively", "Positive\nNegative"})
    void shouldRejectAnswersThatAreNotALabel(String answer) {
        assertThat(SentimentLabel.fromAnswer(answer)).isEmpty();
    }

    @Test
    void shouldRejectNull() {
        assertThat(SentimentLabel.fromAnswer(null)).isEmpty();
    }

    @Test
    void shouldListTheChoicesInOrder() {
        assertThat(SentimentLabel.CHOICES).isEqualTo("Positive, Negative, Neutral");
    }
}
