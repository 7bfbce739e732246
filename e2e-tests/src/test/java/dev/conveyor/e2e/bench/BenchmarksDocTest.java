package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class BenchmarksDocTest {

    private static final String SECTION = "## LLM worker at a provider's rate limit";
    private static final String HEADER = "| a | b |\n|---|---|";

    @Test
    void shouldAddTheRowAfterTheLastRowOfItsSectionsTable() {
        List<String> doc = List.of("# Benchmarks", "", "## Other", "| x | y |", "|---|---|", "| 1 | 2 |", "",
                SECTION, "Text.", "", "| a | b |", "|---|---|", "| old | row |", "", "Notes after.", "",
                "## Later", "| z |");

        List<String> out = BenchmarksDoc.withRow(doc, SECTION, HEADER, "| new | row |");

        assertThat(out).containsExactly("# Benchmarks", "", "## Other", "| x | y |", "|---|---|", "| 1 | 2 |", "",
                SECTION, "Text.", "", "| a | b |", "|---|---|", "| old | row |", "| new | row |", "", "Notes after.",
                "", "## Later", "| z |");
    }

    @Test
    void shouldLeaveOtherTablesOfTheSectionAlone() {
        List<String> doc = List.of(SECTION, "| a | b |", "|---|---|", "| old | row |", "", "| knob | default |",
                "|---|---|", "| x | 1 |");

        List<String> out = BenchmarksDoc.withRow(doc, SECTION, HEADER, "| new | row |");

        assertThat(out).containsExactly(SECTION, "| a | b |", "|---|---|", "| old | row |", "| new | row |", "",
                "| knob | default |", "|---|---|", "| x | 1 |");
    }

    @Test
    void shouldStartItsTableAfterAnotherTableOfTheSection() {
        List<String> doc = List.of(SECTION, "| knob | default |", "|---|---|", "| x | 1 |", "", "Text.", "");

        List<String> out = BenchmarksDoc.withRow(doc, SECTION, HEADER, "| new | row |");

        assertThat(out).containsExactly(SECTION, "| knob | default |", "|---|---|", "| x | 1 |", "", "Text.", "",
                "| a | b |", "|---|---|", "| new | row |", "");
    }

    @Test
    void shouldStartTheTableAtTheEndOfItsSectionWhenItHasNone() {
        List<String> doc = List.of(SECTION, "Text.", "", "## Later");

        List<String> out = BenchmarksDoc.withRow(doc, SECTION, HEADER, "| new | row |");

        assertThat(out).containsExactly(SECTION, "Text.", "", "| a | b |", "|---|---|", "| new | row |", "",
                "## Later");
    }

    @Test
    void shouldAppendTheSectionWhenTheDocumentHasNone() {
        List<String> out = BenchmarksDoc.withRow(List.of("# Benchmarks", ""), SECTION, HEADER, "| new | row |");

        assertThat(out).containsExactly("# Benchmarks", "", SECTION, "", "| a | b |", "|---|---|", "| new | row |");
    }
}
