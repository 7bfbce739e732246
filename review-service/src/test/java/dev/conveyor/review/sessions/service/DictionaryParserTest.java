package dev.conveyor.review.sessions.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.review.sessions.SemanticEnrichment.Entry;

class DictionaryParserTest {

    @Test
    void csvCellsMayHoldCommasQuotesAndLineBreaks() {
        List<Entry> entries = DictionaryParser.parse("csv",
                "field_name,verbose_name,description,display_format\r\n"
                        + "order_total,Order total,\"Gross, VAT \"\"included\"\"\",\",.2f\"\r\n"
                        + "note,Note,\"two\nlines\",\n");
        assertThat(entries).containsExactly(
                new Entry("order_total", "Order total", "Gross, VAT \"included\"", ",.2f"),
                new Entry("note", "Note", "two\nlines", null));
    }

    @Test
    void jsonAsAnArrayOrAsAnObjectOfFields() {
        assertThat(DictionaryParser.parse("json", "[{\"field_name\":\"a\",\"verbose_name\":\"A\",\"d3format\":\",d\"}]"))
                .containsExactly(new Entry("a", "A", null, ",d"));
        assertThat(DictionaryParser.parse("JSON", "{\"b\":{\"description\":\"about b\"}}"))
                .containsExactly(new Entry("b", null, "about b", null));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "xml|<a/>|format",
            "csv|verbose_name\\nA|content",
            "csv|field_name\\n\"open|content",
            "json|[{\"verbose_name\":\"x\"}]|content[0].field_name",
            "json|42|content",
            "json|{oops|content"})
    void badDictionariesNameTheField(String format, String content, String field) {
        assertThatThrownBy(() -> DictionaryParser.parse(format, content.replace("\\n", "\n")))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.problem().errors().get(0).field()).isEqualTo(field));
    }
}
