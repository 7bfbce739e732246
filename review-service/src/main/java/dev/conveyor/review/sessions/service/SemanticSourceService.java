package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.sessions.CandidateStatus;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SemanticEnrichment;
import dev.conveyor.review.sessions.SemanticEnrichment.Entry;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SemanticSource;
import dev.conveyor.review.sessions.SemanticSourceStatus;
import dev.conveyor.review.sessions.SemanticSourceType;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.TrustLevel;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;
import dev.conveyor.review.sessions.superset.SupersetClient;
import dev.conveyor.review.sessions.superset.SupersetDataset;
import dev.conveyor.review.sessions.superset.SupersetUnavailableException;

/** Semantic sources: added (candidates recorded on every matching field), applied, or rejected. */
@ApplicationScoped
public class SemanticSourceService {

    private final SessionCommandRunner runner;
    private final SupersetClient superset;

    public SemanticSourceService(SessionCommandRunner runner, SupersetClient superset) {
        this.runner = runner;
        this.superset = superset;
    }

    public DatasetReviewSession add(String sessionId, String user, Long ifMatch, SessionRequests.AddSemanticSource req) {
        if (req == null || req.sourceType() == null) {
            throw SessionProblems.badRequest("source_type", "is required: uploaded_file or reference_dataset");
        }
        List<Entry> entries;
        String ref;
        String version;
        String name;
        TrustLevel trust;
        switch (req.sourceType()) {
            case UPLOADED_FILE -> {
                entries = DictionaryParser.parse(req.format(), req.content());
                ref = "upload:" + UUID.nameUUIDFromBytes(req.content().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                version = "sha-" + Integer.toHexString(req.content().hashCode());
                name = req.displayName() == null || req.displayName().isBlank() ? "uploaded dictionary" : req.displayName();
                trust = TrustLevel.TRUSTED;
            }
            case REFERENCE_DATASET -> {
                if (req.datasetId() == null || req.datasetId() <= 0) {
                    throw SessionProblems.badRequest("dataset_id", "a reference dataset needs a positive dataset_id");
                }
                DatasetReviewSession s = runner.read(sessionId, user);
                SupersetDataset d;
                try {
                    d = superset.dataset(s.environmentId, req.datasetId());
                } catch (SupersetUnavailableException e) {
                    if (e.status() == 404) {
                        throw SessionProblems.badRequest("dataset_id", "Superset has no dataset " + req.datasetId());
                    }
                    throw SessionProblems.unavailable("dataset_id", e.getMessage());
                }
                entries = new ArrayList<>();
                d.columns().forEach(c -> entries.add(new Entry(c.columnName(), c.verboseName(), c.description(), null)));
                d.metrics().forEach(m -> entries.add(new Entry(m.metricName(), m.verboseName(), m.description(),
                        m.d3format())));
                ref = ReviewSessionService.datasetRef(s.environmentId, d.id());
                version = "read-" + SessionClock.now();
                name = req.displayName() == null || req.displayName().isBlank() ? "dataset " + d.tableName()
                        : req.displayName();
                trust = TrustLevel.RECOMMENDED;
            }
            default -> throw SessionProblems.badRequest("source_type", "sources of type " + req.sourceType().wire()
                    + " are not added by hand: upload a file (uploaded_file) or name a dataset (reference_dataset)");
        }
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            if (s.profile == null) {
                throw SessionProblems.conflict("profile", "nothing imported yet: import from Superset first");
            }
            Instant now = SessionClock.now();
            SemanticSource src = new SemanticSource();
            src.sourceId = UUID.randomUUID().toString();
            src.sessionId = s.sessionId;
            src.sourceType = req.sourceType();
            src.sourceRef = ref;
            src.sourceVersion = version;
            src.displayName = name;
            src.trustLevel = trust;
            src.status = SemanticSourceStatus.AVAILABLE;
            src.createdAt = now;
            List<SemanticFieldEntry> touched = new ArrayList<>();
            for (SemanticFieldEntry f : s.fields) {
                SemanticEnrichment.match(f, src, entries, now).ifPresent(c -> {
                    SemanticFieldEntry copy = Change.copy(f);
                    SemanticEnrichment.record(copy, c, now);
                    touched.add(copy);
                });
            }
            src.schemaOverlapScore = s.fields.isEmpty() ? 0.0
                    : Math.round(1000.0 * touched.size() / s.fields.size()) / 1000.0;
            if (touched.isEmpty()) {
                src.status = SemanticSourceStatus.FAILED; // nothing in it matches this dataset
            }
            return List.of(Change.of(SessionEventType.SEMANTIC_SOURCE_ADDED, "source", src),
                    Change.of(SessionEventType.FIELDS_UPDATED, "fields", touched));
        });
    }

    /** Takes the source's strongest proposal on every field it matched, except locked fields. */
    public DatasetReviewSession apply(String sessionId, String user, Long ifMatch, String sourceId) {
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            SemanticSource src = Change.copy(source(s, sourceId));
            if (src.status != SemanticSourceStatus.AVAILABLE && src.status != SemanticSourceStatus.SELECTED) {
                throw SessionProblems.conflict("status", "the source is " + src.status.wire());
            }
            Instant now = SessionClock.now();
            List<SemanticFieldEntry> changed = new ArrayList<>();
            int kept = 0;
            for (SemanticFieldEntry f : s.fields) {
                boolean offered = f.candidates.stream().anyMatch(c -> sourceId.equals(c.sourceId)
                        && c.status == CandidateStatus.PROPOSED);
                if (!offered) {
                    continue;
                }
                SemanticFieldEntry copy = Change.copy(f);
                if (SemanticEnrichment.applyBest(copy, sourceId, now)) {
                    changed.add(copy);
                } else {
                    kept++;
                }
            }
            src.status = kept > 0 ? SemanticSourceStatus.PARTIAL : SemanticSourceStatus.APPLIED;
            return List.of(Change.of(SessionEventType.FIELDS_UPDATED, "fields", changed),
                    Change.of(SessionEventType.SEMANTIC_SOURCE_UPDATED, "source", src));
        });
    }

    public DatasetReviewSession reject(String sessionId, String user, Long ifMatch, String sourceId) {
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            SemanticSource src = Change.copy(source(s, sourceId));
            if (src.status == SemanticSourceStatus.REJECTED) {
                throw SessionProblems.conflict("status", "the source is already rejected");
            }
            src.status = SemanticSourceStatus.REJECTED;
            Instant now = SessionClock.now();
            List<SemanticFieldEntry> changed = new ArrayList<>();
            for (SemanticFieldEntry f : s.fields) {
                if (f.candidates.stream().anyMatch(c -> sourceId.equals(c.sourceId)
                        && c.status == CandidateStatus.PROPOSED)) {
                    SemanticFieldEntry copy = Change.copy(f);
                    copy.candidates.stream().filter(c -> sourceId.equals(c.sourceId)
                            && c.status == CandidateStatus.PROPOSED).forEach(c -> c.status = CandidateStatus.REJECTED);
                    SemanticEnrichment.refresh(copy, now);
                    changed.add(copy);
                }
            }
            return List.of(Change.of(SessionEventType.SEMANTIC_SOURCE_UPDATED, "source", src),
                    Change.of(SessionEventType.FIELDS_UPDATED, "fields", changed));
        });
    }

    static SemanticSource source(DatasetReviewSession s, String sourceId) {
        return s.semanticSources.stream().filter(x -> x.sourceId.equals(sourceId)).findFirst()
                .orElseThrow(() -> SessionProblems.notFound("source_id", "no semantic source " + sourceId));
    }

}
