package dev.conveyor.worker.offline;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits text into sentences for extractive summaries. The JDK's sentence iterator does the
 * work; on top of it, a break after a common abbreviation ("Dr.", "e.g."), an initial ("J.") or
 * a list item's number ("1.") is undone, and blank lines or list items always end a sentence,
 * while a single line break inside a paragraph (hard-wrapped text) does not.
 */
final class SentenceSplitter {

    /** Blank lines, or a line break before a bullet or a numbered item. */
    private static final Pattern BLOCK_BREAK =
            Pattern.compile("\\R\\s*\\R|\\R(?=\\s*(?:[-*\u2022\u2013]|\\d{1,3}[.)])\\s)");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern LAST_WORD = Pattern.compile("(\\S+)\\s*$");
    private static final Pattern INITIAL = Pattern.compile("\\p{L}\\.");
    private static final Pattern LIST_NUMBER = Pattern.compile("\\s*\\d{1,3}[.)]\\s*");
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "jr.", "st.", "mt.", "gen.", "col.", "capt.", "lt.",
            "sgt.", "rev.", "hon.", "vs.", "etc.", "e.g.", "i.e.", "cf.", "al.", "approx.", "inc.", "ltd.", "co.",
            "corp.", "dept.", "fig.", "figs.", "vol.", "ch.", "sec.", "p.", "pp.", "ed.", "eds.",
            "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.");

    private SentenceSplitter() {
    }

    /** The sentences of {@code text}, trimmed, with inner whitespace collapsed; none for blank text. */
    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        for (String block : BLOCK_BREAK.split(text)) {
            String paragraph = WHITESPACE.matcher(block).replaceAll(" ").strip();
            if (!paragraph.isEmpty()) {
                splitParagraph(paragraph, sentences);
            }
        }
        return sentences;
    }

    private static void splitParagraph(String paragraph, List<String> into) {
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        iterator.setText(paragraph);
        StringBuilder pending = new StringBuilder();
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            pending.append(paragraph, start, end);
            if (!endsWithAbbreviation(pending) && !LIST_NUMBER.matcher(pending).matches()) {
                add(pending, into);
            }
        }
        add(pending, into);
    }

    private static boolean endsWithAbbreviation(CharSequence text) {
        var matcher = LAST_WORD.matcher(text);
        if (!matcher.find()) {
            return false;
        }
        String word = matcher.group(1);
        // Strip an opening bracket or quote: "(e.g." is still an abbreviation.
        word = word.replaceFirst("^[\\p{Ps}\\p{Pi}\"']+", "");
        return ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT)) || INITIAL.matcher(word).matches();
    }

    private static void add(StringBuilder pending, List<String> into) {
        String sentence = pending.toString().strip();
        if (!sentence.isEmpty()) {
            into.add(sentence);
        }
        pending.setLength(0);
    }
}
