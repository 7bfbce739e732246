package dev.conveyor.review.sessions.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FilterConfidenceState;
import dev.conveyor.review.sessions.FilterRecoveryStatus;
import dev.conveyor.review.sessions.FilterSource;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;

/**
 * Filters a person sets by hand (seed §5, {@code source: manual}): added, edited or removed by the
 * owner or a reviewer. A person's value is confirmed as given; a recovered filter edited by hand
 * becomes manual, so a later recovery never overwrites it.
 */
@ApplicationScoped
public class ImportedFilterService {

    static final int MAX_NAME = 200;

    private final SessionCommandRunner runner;

    public ImportedFilterService(SessionCommandRunner runner) {
        this.runner = runner;
    }

    public DatasetReviewSession add(String sessionId, String user, Long ifMatch, SessionRequests.ManualFilter req) {
        if (req == null) {
            throw SessionProblems.badRequest("body", "a filter needs filter_name and raw_value");
        }
        String name = checkName(req.filterName(), true);
        checkRawValue(req.rawValue(), true);
        checkDisplayName(req.displayName());
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            if (byName(s, name) != null) {
                throw SessionProblems.conflict("filter_name", "the session already has a filter '" + name
                        + "': edit it with PUT .../filters/{filter_id}");
            }
            ImportedFilter f = new ImportedFilter();
            f.filterId = UUID.randomUUID().toString();
            f.sessionId = s.sessionId;
            f.filterName = name;
            f.displayName = blankToNull(req.displayName());
            f.rawValue = req.rawValue();
            f.normalizedValue = req.normalizedValue() == null ? req.rawValue() : req.normalizedValue();
            manual(f, "set by " + user);
            f.createdAt = f.updatedAt;
            return List.of(Change.of(SessionEventType.FILTER_ADDED, "filter", f));
        });
    }

    public DatasetReviewSession edit(String sessionId, String user, Long ifMatch, String filterId,
            SessionRequests.ManualFilter req) {
        if (req == null || req.filterName() == null && req.displayName() == null && req.rawValue() == null
                && req.normalizedValue() == null) {
            throw SessionProblems.badRequest("body", "give filter_name, display_name, raw_value or normalized_value");
        }
        String name = checkName(req.filterName(), false);
        checkRawValue(req.rawValue(), false);
        checkDisplayName(req.displayName());
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            ImportedFilter f = Change.copy(byId(s, filterId));
            if (name != null && !name.equals(f.filterName)) {
                if (byName(s, name) != null) {
                    throw SessionProblems.conflict("filter_name", "the session already has a filter '" + name + "'");
                }
                f.filterName = name;
            }
            if (req.displayName() != null) {
                f.displayName = blankToNull(req.displayName());
            }
            if (req.rawValue() != null) {
                f.rawValue = req.rawValue();
                // a new raw value without its own normalized form stands for itself
                f.normalizedValue = req.normalizedValue() == null ? req.rawValue() : req.normalizedValue();
            } else if (req.normalizedValue() != null) {
                f.normalizedValue = req.normalizedValue();
            }
            String was = f.source == FilterSource.MANUAL ? null : "was " + f.source.wire() + " ("
                    + f.recoveryStatus.wire() + ")";
            manual(f, "edited by " + user + (was == null ? "" : "; " + was));
            List<Change> changes = new java.util.ArrayList<>();
            changes.add(Change.of(SessionEventType.FILTER_UPDATED, "filter", f));
            // what recovery said was missing or unsure about this filter, a person has now answered
            List<ValidationFinding> answered = s.findings.stream().filter(x -> x.isOpen()
                    && x.area == FindingArea.FILTER_RECOVERY && filterId.equals(x.causedByRef)).map(x -> {
                        ValidationFinding r = Change.copy(x);
                        r.resolutionState = ResolutionState.RESOLVED;
                        r.resolutionNote = "resolved by the system: the filter was set by hand";
                        r.resolvedAt = f.updatedAt;
                        return r;
                    }).toList();
            if (!answered.isEmpty()) {
                changes.add(Change.of(SessionEventType.FINDING_UPDATED, "findings", answered));
            }
            return changes;
        });
    }

    public DatasetReviewSession remove(String sessionId, String user, Long ifMatch, String filterId) {
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            byId(s, filterId);
            return List.of(Change.of(SessionEventType.FILTER_REMOVED, "filter_id", filterId));
        });
    }

    private static void manual(ImportedFilter f, String note) {
        f.source = FilterSource.MANUAL;
        f.confidenceState = FilterConfidenceState.CONFIRMED;
        f.requiresConfirmation = false;
        f.recoveryStatus = FilterRecoveryStatus.RECOVERED;
        f.notes = note;
        f.updatedAt = SessionClock.now();
    }

    static ImportedFilter byId(DatasetReviewSession s, String filterId) {
        return s.importedFilters.stream().filter(f -> f.filterId.equals(filterId)).findFirst()
                .orElseThrow(() -> SessionProblems.notFound("filter_id", "no filter " + filterId));
    }

    static ImportedFilter byName(DatasetReviewSession s, String name) {
        return s.importedFilters.stream().filter(f -> f.filterName.equals(name)).findFirst().orElse(null);
    }

    private static String checkName(String name, boolean required) {
        if (name == null) {
            if (required) {
                throw SessionProblems.badRequest("filter_name", "is required");
            }
            return null;
        }
        if (name.isBlank()) {
            throw SessionProblems.badRequest("filter_name", "must not be blank");
        }
        if (name.length() > MAX_NAME) {
            throw SessionProblems.badRequest("filter_name", "must be at most " + MAX_NAME + " characters");
        }
        return name.trim();
    }

    private static void checkRawValue(JsonNode raw, boolean required) {
        if (raw == null && required) {
            throw SessionProblems.badRequest("raw_value", "is required (any JSON value but null)");
        }
        if (raw != null && raw.isNull()) {
            throw SessionProblems.badRequest("raw_value", "must not be null: remove the filter instead");
        }
    }

    private static void checkDisplayName(String displayName) {
        if (displayName != null && displayName.length() > MAX_NAME) {
            throw SessionProblems.badRequest("display_name", "must be at most " + MAX_NAME + " characters");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
