package dev.conveyor.e2e.bench;

import java.util.List;

/**
 * Short film reviews, each one different (its number and run are in it), so that no response
 * cache can answer a task from another; a third praise, a third complain, a third neither.
 */
final class ReviewTexts {

    private static final List<String> SUBJECTS = List.of("plot", "soundtrack", "ending", "cast", "pacing",
            "camera work", "dialogue", "set design", "opening scene", "villain", "score");
    private static final List<String> TEMPLATES = List.of(
            "I love how the %s turned out, and the rest held up well",
            "The %s dragged a lot and the second half felt long",
            "The %s was shown in the director's cut released on a Tuesday",
            "An amazing %s that carried the whole film",
            "A boring %s, I checked my phone twice",
            "We watched it for the %s at the cinema near the station");

    private ReviewTexts() {
    }

    static String text(int index, String runId) {
        String subject = SUBJECTS.get(index % SUBJECTS.size());
        String template = TEMPLATES.get(index % TEMPLATES.size());
        return String.format(template, subject) + ". (review " + index + " of run " + runId.substring(0, 8) + ")";
    }
}
