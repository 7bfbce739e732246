package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Findings the system resolves by itself once the contents answer them: a field's missing meaning
 * once it has a label and a description, the dataset's missing description once it has one.
 */
public final class FindingRules {

    public static final String FIELD_MEANING_MISSING = "field_meaning_missing";
    public static final String METRIC_FORMAT_MISSING = "metric_format_missing";
    public static final String DATASET_DESCRIPTION_MISSING = "dataset_description_missing";
    public static final String DATASET_HAS_NO_COLUMNS = "dataset_has_no_columns";
    public static final String SUPERSET_UNREACHABLE = "superset_unreachable";
    public static final String FIELD_CONFLICT = "field_conflict";

    private FindingRules() {
    }

    public static List<ValidationFinding> satisfied(DatasetReviewSession s, Instant now) {
        List<ValidationFinding> out = new ArrayList<>();
        Map<String, SemanticFieldEntry> byId = null; // one pass over the fields, not one per finding
        for (ValidationFinding f : s.findings) {
            if (!f.isOpen()) {
                continue;
            }
            SemanticFieldEntry field = null;
            if (FIELD_MEANING_MISSING.equals(f.code) || METRIC_FORMAT_MISSING.equals(f.code)) {
                if (byId == null) {
                    byId = new HashMap<>();
                    for (SemanticFieldEntry x : s.fields) {
                        byId.putIfAbsent(x.fieldId, x);
                    }
                }
                field = f.causedByRef == null ? null : byId.get(f.causedByRef);
            }
            String note = switch (f.code) {
                case FIELD_MEANING_MISSING -> field != null && !field.isIncomplete()
                        ? "resolved by the system: the field now has a label and a description" : null;
                case METRIC_FORMAT_MISSING -> field != null && field.displayFormat != null
                        && !field.displayFormat.isBlank()
                        ? "resolved by the system: the metric now has a display format" : null;
                case DATASET_DESCRIPTION_MISSING -> s.profile != null && s.profile.description != null
                        && !s.profile.description.isBlank()
                        ? "resolved by the system: the dataset now has a description" : null;
                default -> null;
            };
            if (note != null) {
                ValidationFinding resolved = Change.copy(f);
                resolved.resolutionState = ResolutionState.RESOLVED;
                resolved.resolutionNote = note;
                resolved.resolvedAt = now;
                out.add(resolved);
            }
        }
        return out;
    }
}
