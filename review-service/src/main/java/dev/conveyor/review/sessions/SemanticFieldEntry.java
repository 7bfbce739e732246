package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The semantic state of one column or metric (seed §4), with its candidates. */
public class SemanticFieldEntry {
    public String fieldId;
    public String sessionId;
    public String fieldName;
    public FieldKind fieldKind;
    public String verboseName;
    public String description;
    public String displayFormat;
    public FieldProvenance provenance;
    public String sourceId;
    public Integer confidenceRank;
    public boolean isLocked;
    public boolean hasConflict;
    public boolean needsReview;
    public ChangedBy lastChangedBy;
    public UserFeedback userFeedback;
    public Instant createdAt;
    public Instant updatedAt;
    public List<SemanticCandidate> candidates = new ArrayList<>();

    /** A field whose meaning is still missing: no label or no description. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isIncomplete() {
        return verboseName == null || verboseName.isBlank() || description == null || description.isBlank();
    }
}
