package dev.conveyor.worker.offline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The offline model's answer to a classify process.
 *
 * @param label  the name of the best-scoring label, exactly as given
 * @param scores every label's score (mean cosine similarity between the text and the label's
 *               hypotheses, in [-1, 1]), in the order the labels were given
 */
public record Classification(String label, Map<String, Double> scores) {

    public Classification {
        Objects.requireNonNull(label, "label");
        // A copy that keeps the labels' order (Map.copyOf would not).
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }
}
