package dev.conveyor.review.sessions.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExportArtifact;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Exports: rendered from the session as it stands, the bytes stored in PostgreSQL in the same
 * transaction as the {@code export_created} event. Anyone who may read the session may export it,
 * also once it is archived: an export changes nothing of the review.
 */
@ApplicationScoped
public class SessionExportService {

    public static final String STORAGE_PREFIX = "postgres:review_session_exports/";

    private final SessionCommandRunner runner;
    private final ReviewSessionRepository repository;

    public SessionExportService(SessionCommandRunner runner, ReviewSessionRepository repository) {
        this.runner = runner;
        this.repository = repository;
    }

    /** Returns the session with the new artifact last in {@code exports}. */
    public DatasetReviewSession create(String sessionId, String user, SessionRequests.CreateExport req) {
        if (req == null || req.artifactType() == null) {
            throw SessionProblems.badRequest("artifact_type", "is required: documentation, validation_report or run_summary");
        }
        if (req.format() == null) {
            throw SessionProblems.badRequest("format", "is required: json, markdown, csv or pdf");
        }
        return runner.run(new Command(sessionId, user, Permission.READ, null, true), s -> {
            ExportRenderer.Rendered r = ExportRenderer.render(s, req.artifactType(), req.format());
            ExportArtifact a = new ExportArtifact();
            a.artifactId = UUID.randomUUID().toString();
            a.sessionId = s.sessionId;
            a.artifactType = req.artifactType();
            a.format = req.format();
            a.storageRef = STORAGE_PREFIX + a.artifactId;
            a.createdByUserId = user;
            a.createdAt = SessionClock.now();
            repository.saveExport(a.artifactId, s.sessionId, r.mediaType(), r.fileName(), r.content(), a.createdAt);
            return List.of(Change.of(SessionEventType.EXPORT_CREATED, "artifact", a));
        });
    }

    public ReviewSessionRepository.StoredExport content(String sessionId, String user, String artifactId) {
        DatasetReviewSession s = runner.read(sessionId, user);
        if (s.exports.stream().noneMatch(a -> a.artifactId.equals(artifactId))) {
            throw SessionProblems.notFound("artifact_id", "no export " + artifactId);
        }
        return QuarkusTransaction.requiringNew().call(() -> repository.export(sessionId, artifactId))
                .orElseThrow(() -> SessionProblems.notFound("artifact_id", "the export's content is gone"));
    }

}
