package dev.conveyor.review.sessions;

import java.time.Instant;

/** A competing value for a field, kept beside the field's decision (seed §4). */
public class SemanticCandidate {
    public String candidateId;
    public String fieldId;
    public String sourceId;
    /** Lower is stronger: exact 1, reference 2, fuzzy 3, generated 4. */
    public int candidateRank;
    public CandidateMatchType matchType;
    public double confidenceScore;
    public String proposedVerboseName;
    public String proposedDescription;
    public String proposedDisplayFormat;
    public CandidateStatus status;
    public Instant createdAt;
    /**
     * Not the seed's: cosine similarity (0..1) of the candidate's text to the field's, from the
     * candidate ranking task (the worker's offline model); null until ranked. Orders within a tier.
     */
    public Double similarityScore;
    /** Not the seed's: the candidate's share of the field's similarities (they sum to 1); null until ranked. */
    public Double similarityConfidence;
}
