package dev.conveyor.review.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresTextTest {

    @Test
    void shouldReplaceNulCharactersThatPostgresRefuses() {
        assertThat(PostgresText.safe("a\u0000b")).isEqualTo("a\uFFFDb");
    }

    @Test
    void shouldReplaceLoneSurrogatesAndKeepPairs() {
        String emoji = "\uD83D\uDE00";
        assertThat(PostgresText.safe("x\uD83Dy")).isEqualTo("x\uFFFDy");
        assertThat(PostgresText.safe("x\uDE00")).isEqualTo("x\uFFFD");
        assertThat(PostgresText.safe("end\uD83D")).isEqualTo("end\uFFFD");
        assertThat(PostgresText.safe("ok " + emoji)).isEqualTo("ok " + emoji);
    }

    @Test
    void shouldReturnCleanTextAndNullUnchanged() {
        String clean = "Positive";
        assertThat(PostgresText.safe(clean)).isSameAs(clean);
        assertThat(PostgresText.safe(null)).isNull();
    }
}
