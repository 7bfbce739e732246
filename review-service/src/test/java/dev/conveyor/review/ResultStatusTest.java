package dev.conveyor.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResultStatusTest {

    @Test
    void shouldReadLabelsRegardlessOfCase() {
        assertThat(ResultStatus.parse("completed")).contains(ResultStatus.COMPLETED);
        assertThat(ResultStatus.parse("FAILED")).contains(ResultStatus.FAILED);
        assertThat(ResultStatus.parse(" Pending ")).contains(ResultStatus.PENDING);
        assertThat(ResultStatus.parse("skipped")).contains(ResultStatus.SKIPPED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "done", "COMPLETE", "PENDING_"})
    void shouldNotReadUnknownLabels(String text) {
        assertThat(ResultStatus.parse(text)).isEmpty();
    }

    @Test
    void shouldStoreTheSeedLabels() {
        assertThat(ResultStatus.PENDING.label()).isEqualTo("Pending");
        assertThat(ResultStatus.fromLabel("Completed")).isEqualTo(ResultStatus.COMPLETED);
        assertThatThrownBy(() -> ResultStatus.fromLabel("completed")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ResultStatus.PENDING.isTerminal()).isFalse();
        assertThat(ResultStatus.FAILED.isTerminal()).isTrue();
    }

    @Test
    void shouldStoreSkippedAsATerminalStatus() {
        assertThat(ResultStatus.SKIPPED.label()).isEqualTo("Skipped");
        assertThat(ResultStatus.fromLabel("Skipped")).isEqualTo(ResultStatus.SKIPPED);
        assertThat(ResultStatus.SKIPPED.isTerminal()).isTrue();
        assertThat(ResultStatus.labels()).isEqualTo("Pending, Completed, Failed, Skipped");
    }
}
