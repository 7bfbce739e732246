package dev.conveyor.review.paths.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathRepositoryTest {

    @Test
    void shouldEscapeWhatCopyTextFormatTreatsAsSyntax() {
        assertThat(PathRepository.copyText(new StringBuilder(), "{\"a\": \"x\\\"y\\\\z\"}\tline\nnext\r").toString())
                .isEqualTo("{\"a\": \"x\\\\\"y\\\\\\\\z\"}\\tline\\nnext\\r");
    }

    @Test
    void shouldWriteNullAsCopysNullMarker() {
        assertThat(PathRepository.copyText(new StringBuilder(), null).toString()).isEqualTo("\\N");
    }

    @Test
    void shouldLeavePlainTextAlone() {
        assertThat(PathRepository.copyText(new StringBuilder("x"), "waiting_for_research_goal").toString())
                .isEqualTo("xwaiting_for_research_goal");
    }
}
