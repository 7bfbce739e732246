package dev.conveyor.worker.offline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OfflineSentenceSplitterTest {

    @Test
    void shouldSplitOnSentenceEndings() {
        assertThat(SentenceSplitter.split("Wow!! Really?! Yes... I think so. \"Stop.\" Then he left."))
                .containsExactly("Wow!!", "Really?!", "Yes...", "I think so.", "\"Stop.\"", "Then he left.");
    }

    @Test
    void shouldNotSplitAfterAbbreviationsOrInitials() {
        assertThat(SentenceSplitter.split(
                "Mr. Smith met Dr. Jones at 5 p.m. on Monday. Analysts (e.g. Smith) disagree. J. R. R. Tolkien wrote it."))
                .containsExactly("Mr. Smith met Dr. Jones at 5 p.m. on Monday.", "Analysts (e.g. Smith) disagree.",
                        "J. R. R. Tolkien wrote it.");
    }

    @Test
    void shouldJoinHardWrappedLinesButSplitParagraphsAndListItems() {
        String text = """
                The report covers
                three topics

                Budget first.
                - Hiring plans
                - Office move
                1. Open questions""";

        assertThat(SentenceSplitter.split(text)).containsExactly("The report covers three topics", "Budget first.",
                "- Hiring plans", "- Office move", "1. Open questions");
    }

    @Test
    void shouldKeepASentenceWithoutFinalPunctuation() {
        assertThat(SentenceSplitter.split("  See www.example.com for details. Thanks  "))
                .containsExactly("See www.example.com for details.", "Thanks");
    }

    @Test
    void shouldFindNoSentenceInBlankText() {
        assertThat(SentenceSplitter.split(" \n\t ")).isEmpty();
    }
}
