package dev.conveyor.testing;

import java.util.Locale;

/**
 * What the fake model answers for the seed walkthrough: a sentiment label by keyword, and for
 * anything else the row text itself, as the seed's summaries do.
 */
public final class SeedAnswers {

    private SeedAnswers() {
    }

    /** Replies for the seed: use as {@code FakeOpenAiServer.start(SeedAnswers::reply)}. */
    public static FakeOpenAiServer.Reply reply(FakeOpenAiServer.ChatRequest request) {
        return FakeOpenAiServer.Reply.answer(answer(request.allText()));
    }

    /** The answer to a whole prompt (instructions and row). */
    public static String answer(String prompt) {
        String row = RowText.lastQuoted(prompt);
        String text = row.toLowerCase(Locale.ROOT);
        if (prompt.toLowerCase(Locale.ROOT).contains("sentiment")) {
            if (text.contains("boring") || text.contains("dragged")) {
                return "Negative";
            }
            if (text.contains("love") || text.contains("amazing") || text.contains("great")) {
                return "Positive";
            }
            return "Neutral";
        }
        return row;
    }

    /** The row text as delimited in a prompt, or the prompt when it has no delimiters. */
    static final class RowText {
        private RowText() {
        }

        static String lastQuoted(String prompt) {
            int start = prompt.lastIndexOf("<row>");
            int end = prompt.lastIndexOf("</row>");
            if (start >= 0 && end > start) {
                return prompt.substring(start + "<row>".length(), end).trim();
            }
            return prompt.trim();
        }
    }
}
