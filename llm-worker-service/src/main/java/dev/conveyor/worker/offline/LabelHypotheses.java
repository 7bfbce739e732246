package dev.conveyor.worker.offline;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.conveyor.schemas.ProcessLabel;

/**
 * The sentences a text is compared with to score one label.
 *
 * <p>A label in general is scored against "name: description" (or its name alone). That works for
 * topics, where a text about cooking and a description of cooking share their words. It does not
 * work for sentiment: a sentence-similarity model places "the text expresses disapproval" near
 * texts that talk about disapproval, and "This is boring." nearer "neither" than "criticism". So
 * a sentiment label (positive, negative, neutral) is scored against short sentences that
 * say the sentiment the way a text of that class would, plus "This is {name}.", averaged so that
 * no single phrasing decides. (Sentences about opinion, such as "No opinion is expressed.", are
 * left out for the same reason: they sit near opinionated texts.) A description given with a
 * sentiment label is not used.
 */
final class LabelHypotheses {

    private static final Map<String, List<String>> SENTIMENT = Map.of(
            "positive", List.of("I like it.", "I love it.", "It is good.", "It is great."),
            "negative", List.of("I do not like it.", "I hate it.", "It is bad.", "It is terrible."),
            "neutral", List.of("It is a fact.", "Here is some information."));

    private LabelHypotheses() {
    }

    /** The hypotheses for {@code label}, at least one. */
    static List<String> of(ProcessLabel label) {
        String name = label.getName() == null ? "" : label.getName().strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a label needs a name");
        }
        List<String> sentiment = SENTIMENT.get(name.toLowerCase(Locale.ROOT));
        if (sentiment != null) {
            List<String> hypotheses = new java.util.ArrayList<>(sentiment);
            hypotheses.add("This is " + name.toLowerCase(Locale.ROOT) + ".");
            return List.copyOf(hypotheses);
        }
        String description = label.getDescription() == null ? "" : label.getDescription().strip();
        return List.of(description.isEmpty() ? name : name + ": " + description);
    }
}
