package dev.conveyor.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RejectModeTest {

    @Test
    void shouldRejectTheFileByDefaultAndKnowOnlyFileAndLine() {
        assertThat(RejectMode.parse(null)).isEqualTo(RejectMode.FILE);
        assertThat(RejectMode.parse(" ")).isEqualTo(RejectMode.FILE);
        assertThat(RejectMode.parse("File")).isEqualTo(RejectMode.FILE);
        assertThat(RejectMode.parse("line")).isEqualTo(RejectMode.LINE);
        assertThat(RejectMode.parse("row")).isNull();
    }
}
