package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Matching fields to a source's entries and deciding between candidates. Ranking: exact (1) over
 * reference (2) over fuzzy (3) over generated (4), then by meaning similarity when the candidates
 * were ranked, then by confidence. Fuzzy and generated values
 * keep {@code needs_review} until a person confirms them. A locked field (manual override) records
 * new candidates but never takes one by itself.
 */
public final class SemanticEnrichment {

    /** One entry of a dictionary or of a reference dataset's metadata. */
    public record Entry(String fieldName, String verboseName, String description, String displayFormat) {
    }

    /** Names at least this similar (0..1, after normalization) count as a fuzzy match. */
    public static final double FUZZY_THRESHOLD = 0.8;

    private SemanticEnrichment() {
    }

    public static int rankOf(CandidateMatchType type) {
        return switch (type) {
            case EXACT -> 1;
            case REFERENCE -> 2;
            case FUZZY -> 3;
            case GENERATED -> 4;
        };
    }

    public static FieldProvenance provenanceOf(CandidateMatchType type) {
        return switch (type) {
            case EXACT -> FieldProvenance.DICTIONARY_EXACT;
            case REFERENCE -> FieldProvenance.REFERENCE_IMPORTED;
            case FUZZY -> FieldProvenance.FUZZY_INFERRED;
            case GENERATED -> FieldProvenance.AI_GENERATED;
        };
    }

    /**
     * The seed's tiers first (exact, reference, fuzzy, generated); within a tier the meaning
     * similarity the ranking task measured (higher first; candidates not yet ranked after the ranked
     * ones), then the tier's confidence.
     */
    public static final Comparator<SemanticCandidate> STRONGEST_FIRST = Comparator
            .comparingInt((SemanticCandidate c) -> c.candidateRank)
            .thenComparing(c -> c.similarityScore == null ? 1.0 : -c.similarityScore)
            .thenComparing(c -> -c.confidenceScore);

    /** What a candidate says, as one text: what the ranking compares with the field. */
    public static String candidateText(SemanticCandidate c) {
        return Objects.toString(c.proposedVerboseName, "") + (c.proposedVerboseName != null
                && c.proposedDescription != null ? ": " : "") + Objects.toString(c.proposedDescription, "");
    }

    /**
     * Annotates the field's candidates with the ranking task's similarity and confidence (by
     * candidate id, {@code [similarity, confidence]}) and re-sorts them. Returns whether anything
     * changed; the field's value never changes here.
     */
    public static boolean annotate(SemanticFieldEntry f, java.util.Map<String, double[]> scores, Instant now) {
        boolean changed = false;
        for (SemanticCandidate c : f.candidates) {
            double[] score = scores.get(c.candidateId);
            if (score != null && (!Objects.equals(c.similarityScore, score[0])
                    || !Objects.equals(c.similarityConfidence, score[1]))) {
                c.similarityScore = score[0];
                c.similarityConfidence = score[1];
                changed = true;
            }
        }
        if (changed) {
            f.candidates.sort(STRONGEST_FIRST);
            f.updatedAt = now;
        }
        return changed;
    }

    /**
     * The candidate a source offers for a field, if any: the same name is exact (a dictionary) or
     * reference (another dataset); a similar name is fuzzy, scored by similarity.
     */
    public static Optional<SemanticCandidate> match(SemanticFieldEntry field, SemanticSource source,
            List<Entry> entries, Instant now) {
        boolean reference = source.sourceType == SemanticSourceType.REFERENCE_DATASET
                || source.sourceType == SemanticSourceType.NEIGHBOR_DATASET;
        Entry best = null;
        double bestScore = 0;
        for (Entry e : entries) {
            double score = e.fieldName().equalsIgnoreCase(field.fieldName) ? 1.0
                    : similarity(normalize(e.fieldName()), normalize(field.fieldName));
            if (score > bestScore) {
                best = e;
                bestScore = score;
            }
        }
        if (best == null || bestScore < FUZZY_THRESHOLD
                || best.verboseName() == null && best.description() == null && best.displayFormat() == null) {
            return Optional.empty();
        }
        CandidateMatchType type = bestScore == 1.0 ? (reference ? CandidateMatchType.REFERENCE : CandidateMatchType.EXACT)
                : CandidateMatchType.FUZZY;
        double confidence = switch (type) {
            case EXACT -> 1.0;
            case REFERENCE -> 0.9;
            default -> Math.round(bestScore * 0.8 * 1000) / 1000.0;
        };
        return Optional.of(candidate(field, source.sourceId, type, confidence, best, now));
    }

    public static SemanticCandidate candidate(SemanticFieldEntry field, String sourceId, CandidateMatchType type,
            double confidence, Entry e, Instant now) {
        SemanticCandidate c = new SemanticCandidate();
        c.candidateId = UUID.randomUUID().toString();
        c.fieldId = field.fieldId;
        c.sourceId = sourceId;
        c.candidateRank = rankOf(type);
        c.matchType = type;
        c.confidenceScore = Math.max(0, Math.min(1, confidence));
        c.proposedVerboseName = e.verboseName();
        c.proposedDescription = e.description();
        c.proposedDisplayFormat = e.displayFormat();
        c.status = CandidateStatus.PROPOSED;
        c.createdAt = now;
        return c;
    }

    /** Records a candidate on the field; the field's conflict flag follows. */
    public static void record(SemanticFieldEntry f, SemanticCandidate c, Instant now) {
        f.candidates.add(c);
        f.candidates.sort(STRONGEST_FIRST);
        f.hasConflict = conflicting(f);
        f.updatedAt = now;
    }

    /**
     * Applies the strongest proposal of a source unless the field is locked. Returns false when the
     * field kept its value (locked, or the source proposes nothing for it).
     */
    public static boolean applyBest(SemanticFieldEntry f, String sourceId, Instant now) {
        Optional<SemanticCandidate> best = f.candidates.stream()
                .filter(c -> c.status == CandidateStatus.PROPOSED && Objects.equals(c.sourceId, sourceId))
                .min(STRONGEST_FIRST);
        if (best.isEmpty() || f.isLocked) {
            return false;
        }
        take(f, best.get(), now);
        f.needsReview = best.get().matchType == CandidateMatchType.FUZZY
                || best.get().matchType == CandidateMatchType.GENERATED;
        f.lastChangedBy = best.get().matchType == CandidateMatchType.GENERATED ? ChangedBy.AGENT : ChangedBy.SYSTEM;
        return true;
    }

    /** Makes a candidate the field's value. */
    public static void take(SemanticFieldEntry f, SemanticCandidate c, Instant now) {
        for (SemanticCandidate other : f.candidates) {
            if (other.status == CandidateStatus.ACCEPTED) {
                other.status = CandidateStatus.SUPERSEDED;
            }
        }
        SemanticCandidate taken = f.candidates.stream().filter(x -> x.candidateId.equals(c.candidateId)).findFirst()
                .orElse(c);
        taken.status = CandidateStatus.ACCEPTED;
        if (c.proposedVerboseName != null) {
            f.verboseName = c.proposedVerboseName;
        }
        if (c.proposedDescription != null) {
            f.description = c.proposedDescription;
        }
        if (c.proposedDisplayFormat != null) {
            f.displayFormat = c.proposedDisplayFormat;
        }
        f.provenance = provenanceOf(c.matchType);
        f.sourceId = c.sourceId;
        f.confidenceRank = c.candidateRank;
        f.hasConflict = conflicting(f);
        f.updatedAt = now;
    }

    /** Recomputes the conflict flag after candidates changed status. */
    public static void refresh(SemanticFieldEntry f, Instant now) {
        f.hasConflict = conflicting(f);
        f.updatedAt = now;
    }

    /** Competing: live candidates that disagree with each other or with the field's current value. */
    static boolean conflicting(SemanticFieldEntry f) {
        List<SemanticCandidate> live = new ArrayList<>();
        for (SemanticCandidate c : f.candidates) {
            if (c.status == CandidateStatus.PROPOSED || c.status == CandidateStatus.ACCEPTED) {
                live.add(c);
            }
        }
        for (SemanticCandidate c : live) {
            if (c.status == CandidateStatus.PROPOSED && (differs(c.proposedVerboseName, f.verboseName)
                    || differs(c.proposedDescription, f.description))
                    && (f.verboseName != null || f.description != null)) {
                return true;
            }
        }
        for (int i = 0; i < live.size(); i++) {
            for (int j = i + 1; j < live.size(); j++) {
                if (differs(live.get(i).proposedVerboseName, live.get(j).proposedVerboseName)
                        || differs(live.get(i).proposedDescription, live.get(j).proposedDescription)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean differs(String a, String b) {
        return a != null && b != null && !a.trim().equalsIgnoreCase(b.trim());
    }

    static String normalize(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** 1 - Levenshtein distance / longer length. */
    static double similarity(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        if (a.equals(b)) {
            return 0.99; // equal once normalized, not byte for byte: fuzzy, near the top
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return 1.0 - (double) prev[b.length()] / Math.max(a.length(), b.length());
    }
}
