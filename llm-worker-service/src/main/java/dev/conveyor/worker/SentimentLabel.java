package dev.conveyor.worker;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The answers a sentiment task may have, spelled as results store them. */
public enum SentimentLabel {
    Positive,
    Negative,
    Neutral;

    /** "Positive, Negative, Neutral", for prompts and error messages. */
    public static final String CHOICES = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    private static final String WRAPPERS = "\"'`*\u201C\u201D\u2018\u2019";
    private static final String TRAILING = ".!,;:";

    /**
     * The label a model answer stands for: models often add a full stop, quotes or another case
     * ("positive.", "\"Negative\""), which still name one label; anything else names none.
     */
    public static Optional<SentimentLabel> fromAnswer(String answer) {
        if (answer == null) {
            return Optional.empty();
        }
        String text = strip(answer);
        return Arrays.stream(values()).filter(l -> l.name().equalsIgnoreCase(text)).findFirst();
    }

    private static String strip(String answer) {
        String text = answer.strip();
        int start = 0;
        int end = text.length();
        boolean changed = true;
        while (changed && start < end) {
            changed = false;
            char last = text.charAt(end - 1);
            if (Character.isWhitespace(last) || WRAPPERS.indexOf(last) >= 0 || TRAILING.indexOf(last) >= 0) {
                end--;
                changed = true;
            }
            if (start < end) {
                char first = text.charAt(start);
                if (Character.isWhitespace(first) || WRAPPERS.indexOf(first) >= 0) {
                    start++;
                    changed = true;
                }
            }
        }
        return text.substring(start, end);
    }
}
