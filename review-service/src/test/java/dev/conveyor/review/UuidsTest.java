package dev.conveyor.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class UuidsTest {

    @Test
    void shouldParseCanonicalUuidsInEitherCase() {
        UUID id = UUID.randomUUID();
        assertThat(Uuids.parse(id.toString())).contains(id);
        assertThat(Uuids.parse(id.toString().toUpperCase())).contains(id);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "not-a-uuid", "1-1-1-1-1", "0000000000000000000000000000000000000",
            "123e4567-e89b-12d3-a456-42661417400g", "000000001-0001-0001-0001-00000000001"})
    void shouldRejectAnythingElse(String text) {
        assertThat(Uuids.parse(text)).isEmpty();
    }
}
