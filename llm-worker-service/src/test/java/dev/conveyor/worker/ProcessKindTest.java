package dev.conveyor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessKindTest {

    @ParameterizedTest
    @CsvSource({
            "sentiment,SENTIMENT",
            "Sentiment,SENTIMENT",
            "' SENTIMENT ',SENTIMENT",
            "summarization,SUMMARIZATION",
            "Summary,SUMMARIZATION",
            "translation,GENERIC",
            "sentiment-v2,GENERIC"})
    void shouldRecognizeBuiltInProcessesByNameIgnoringCase(String name, ProcessKind expected) {
        assertThat(ProcessKind.of(name)).isEqualTo(expected);
    }
}
