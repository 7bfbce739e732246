package dev.conveyor.review.sessions.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExportArtifact;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.review.sessions.repository.SessionDocument;
import dev.conveyor.review.sessions.service.ClarificationService;
import dev.conveyor.review.sessions.service.CompiledPreviewService;
import dev.conveyor.review.sessions.service.DatasetLaunchService;
import dev.conveyor.review.sessions.service.ExecutionMappingService;
import dev.conveyor.review.sessions.service.ReviewSessionService;
import dev.conveyor.review.sessions.service.SemanticSourceService;
import dev.conveyor.review.sessions.service.SessionAiService;
import dev.conveyor.review.sessions.service.SessionCommandRunner;
import dev.conveyor.review.sessions.service.SessionExportService;
import dev.conveyor.review.sessions.service.SessionProblems;
import io.quarkus.security.Authenticated;

/**
 * Dataset review sessions over REST. Every answer carrying a session has its version as
 * {@code ETag}; every change accepts {@code If-Match} and answers 412 when the session moved on.
 * The caller is the bearer token's subject.
 */
@Path("/review-sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ReviewSessionResource {

    private final JsonWebToken jwt;
    private final SessionCommandRunner runner;
    private final ReviewSessionService sessions;
    private final SemanticSourceService sources;
    private final ClarificationService clarification;
    private final SessionExportService exports;
    private final SessionAiService ai;
    private final ExecutionMappingService mappings;
    private final CompiledPreviewService previews;
    private final DatasetLaunchService launches;

    public ReviewSessionResource(JsonWebToken jwt, SessionCommandRunner runner, ReviewSessionService sessions,
            SemanticSourceService sources, ClarificationService clarification, SessionExportService exports,
            SessionAiService ai, ExecutionMappingService mappings, CompiledPreviewService previews,
            DatasetLaunchService launches) {
        this.mappings = mappings;
        this.previews = previews;
        this.launches = launches;
        this.ai = ai;
        this.jwt = jwt;
        this.runner = runner;
        this.sessions = sessions;
        this.sources = sources;
        this.clarification = clarification;
        this.exports = exports;
    }

    @GET
    public Response list(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 500) {
            throw SessionProblems.badRequest("limit", "must be between 1 and 500");
        }
        List<SessionListItem> items = runner.visibleTo(user(), limit).stream().map(SessionListItem::of).toList();
        return Response.ok(SessionJson.write(items)).build();
    }

    /** The enums of the API and their values. */
    @GET
    @Path("/vocabulary")
    public Response vocabulary() {
        return Response.ok(SessionJson.write(SessionVocabulary.all())).build();
    }

    @POST
    public Response create(SessionRequests.CreateSession req) {
        DatasetReviewSession s = sessions.create(user(), req);
        return session(Response.created(URI.create("/review-sessions/" + s.sessionId)), s);
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        return ok(runner.read(id, user()));
    }

    @GET
    @Path("/{id}/events")
    public Response events(@PathParam("id") String id) {
        return Response.ok(SessionJson.write(runner.events(id, user()))).build();
    }

    @POST
    @Path("/{id}/intake")
    public Response intake(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> sessions.reimport(id, user, version));
    }

    @POST
    @Path("/{id}/resume")
    public Response resume(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        sessions.resume(id, user(), version(ifMatch));
        launches.finishInterrupted(id, user());
        return ok(clarification.finishPending(id, user()));
    }

    @POST
    @Path("/{id}/status")
    public Response status(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.ChangeStatus req) {
        return change(ifMatch, (user, version) -> sessions.changeStatus(id, user, version, req));
    }

    @PUT
    @Path("/{id}/collaborators/{userId}")
    public Response addCollaborator(@PathParam("id") String id, @PathParam("userId") String userId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.AddCollaborator req) {
        return change(ifMatch, (user, version) -> sessions.addCollaborator(id, user, version, userId, req));
    }

    @DELETE
    @Path("/{id}/collaborators/{userId}")
    public Response removeCollaborator(@PathParam("id") String id, @PathParam("userId") String userId,
            @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> sessions.removeCollaborator(id, user, version, userId));
    }

    @PATCH
    @Path("/{id}/profile")
    public Response editProfile(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.EditProfile req) {
        return change(ifMatch, (user, version) -> sessions.editProfile(id, user, version, req));
    }

    @POST
    @Path("/{id}/findings/{findingId}/resolution")
    public Response resolveFinding(@PathParam("id") String id, @PathParam("findingId") String findingId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.ResolveFinding req) {
        return change(ifMatch, (user, version) -> sessions.resolveFinding(id, user, version, findingId, req));
    }

    @PATCH
    @Path("/{id}/fields/{fieldId}")
    public Response editField(@PathParam("id") String id, @PathParam("fieldId") String fieldId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.EditField req) {
        return change(ifMatch, (user, version) -> sessions.editField(id, user, version, fieldId, req));
    }

    @PUT
    @Path("/{id}/fields/{fieldId}/feedback")
    public Response feedback(@PathParam("id") String id, @PathParam("fieldId") String fieldId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.FieldFeedback req) {
        return change(ifMatch, (user, version) -> sessions.fieldFeedback(id, user, version, fieldId, req));
    }

    @POST
    @Path("/{id}/fields/{fieldId}/confirm")
    public Response confirmField(@PathParam("id") String id, @PathParam("fieldId") String fieldId,
            @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> sessions.confirmField(id, user, version, fieldId));
    }

    @POST
    @Path("/{id}/fields/{fieldId}/candidates/{candidateId}/accept")
    public Response acceptCandidate(@PathParam("id") String id, @PathParam("fieldId") String fieldId,
            @PathParam("candidateId") String candidateId, @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> sessions.acceptCandidate(id, user, version, fieldId, candidateId));
    }

    @POST
    @Path("/{id}/semantic-sources")
    public Response addSource(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.AddSemanticSource req) {
        return change(ifMatch, (user, version) -> sources.add(id, user, version, req));
    }

    @POST
    @Path("/{id}/semantic-sources/{sourceId}/apply")
    public Response applySource(@PathParam("id") String id, @PathParam("sourceId") String sourceId,
            @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> sources.apply(id, user, version, sourceId));
    }

    @POST
    @Path("/{id}/semantic-sources/{sourceId}/reject")
    public Response rejectSource(@PathParam("id") String id, @PathParam("sourceId") String sourceId,
            @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> sources.reject(id, user, version, sourceId));
    }

    @POST
    @Path("/{id}/clarification")
    public Response startClarification(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        // the questions are the LLM's: they land in the session when the worker answers (202, as ai-requests)
        return session(Response.accepted(), clarification.start(id, user(), version(ifMatch)));
    }

    @POST
    @Path("/{id}/clarification/questions/{questionId}/answer")
    public Response answer(@PathParam("id") String id, @PathParam("questionId") String questionId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.AnswerQuestion req) {
        return change(ifMatch, (user, version) -> clarification.answer(id, user, version, questionId, req));
    }

    /**
     * Asks the LLM workers for {@code business_summary}, {@code field_proposals},
     * {@code clarification_questions} or {@code candidate_ranking}; the answer lands later.
     */
    @POST
    @Path("/{id}/ai-requests")
    public Response requestAi(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.RequestAi req) {
        if (req == null || req.processName() == null) {
            throw SessionProblems.badRequest("process_name", "is required: business_summary, field_proposals, "
                    + "clarification_questions or candidate_ranking");
        }
        return session(Response.accepted(), ai.request(id, user(), version(ifMatch), req.processName()));
    }

    @POST
    @Path("/{id}/exports")
    public Response export(@PathParam("id") String id, SessionRequests.CreateExport req) {
        DatasetReviewSession s = exports.create(id, user(), req);
        ExportArtifact a = s.exports.get(s.exports.size() - 1);
        return Response.created(URI.create("/review-sessions/" + id + "/exports/" + a.artifactId))
                .tag(new EntityTag(Long.toString(s.version))).entity(SessionJson.write(a)).build();
    }

    @GET
    @Path("/{id}/exports/{artifactId}")
    public Response exportArtifact(@PathParam("id") String id, @PathParam("artifactId") String artifactId) {
        DatasetReviewSession s = runner.read(id, user());
        ExportArtifact a = s.exports.stream().filter(x -> x.artifactId.equals(artifactId)).findFirst()
                .orElseThrow(() -> SessionProblems.notFound("artifact_id", "no export " + artifactId));
        return Response.ok(SessionJson.write(a)).build();
    }

    @GET
    @Path("/{id}/exports/{artifactId}/content")
    @Produces(MediaType.WILDCARD)
    public Response exportContent(@PathParam("id") String id, @PathParam("artifactId") String artifactId) {
        ReviewSessionRepository.StoredExport e = exports.content(id, user(), artifactId);
        return Response.ok(e.content(), e.mediaType())
                .header("Content-Disposition", "attachment; filename=\"" + e.fileName() + "\"").build();
    }

    /** A person maps a filter onto a template variable ({@code manual_override}). */
    @POST
    @Path("/{id}/mappings")
    public Response overrideMapping(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.OverrideMapping req) {
        return change(ifMatch, (user, version) -> mappings.override(id, user, version, req));
    }

    @PATCH
    @Path("/{id}/mappings/{mappingId}")
    public Response editMapping(@PathParam("id") String id, @PathParam("mappingId") String mappingId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.EditMapping req) {
        return change(ifMatch, (user, version) -> mappings.editValue(id, user, version, mappingId, req));
    }

    @POST
    @Path("/{id}/mappings/{mappingId}/approve")
    public Response approveMapping(@PathParam("id") String id, @PathParam("mappingId") String mappingId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.DecideMapping req) {
        return change(ifMatch, (user, version) -> mappings.approve(id, user, version, mappingId, req));
    }

    @POST
    @Path("/{id}/mappings/{mappingId}/reject")
    public Response rejectMapping(@PathParam("id") String id, @PathParam("mappingId") String mappingId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.DecideMapping req) {
        return change(ifMatch, (user, version) -> mappings.reject(id, user, version, mappingId, req));
    }

    /** Superset compiles the dataset's query for the current inputs; the answer holds the preview. */
    @POST
    @Path("/{id}/preview")
    public Response preview(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return change(ifMatch, (user, version) -> previews.preview(id, user, version));
    }

    /** SQL Lab runs the preview's SQL, if the run readiness invariant holds (409 listing what does not). */
    @POST
    @Path("/{id}/launch")
    public Response launch(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.Launch req) {
        return change(ifMatch, (user, version) -> launches.launch(id, user, version, req));
    }

    /**
     * A change to a session: the caller and the {@code If-Match} version go to the command, which
     * locks the session, checks both and applies; the answer is the session with its version as ETag.
     */
    private Response change(String ifMatch, SessionChange command) {
        return ok(command.apply(user(), version(ifMatch)));
    }

    @FunctionalInterface
    interface SessionChange {
        DatasetReviewSession apply(String user, Long expectedVersion);
    }

    private String user() {
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw SessionProblems.badRequest("Authorization", "the bearer token has no subject");
        }
        return subject;
    }

    /** {@code If-Match: "7"} (or {@code W/"7"}, or {@code 7}); {@code *} and absent mean any version. */
    static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw SessionProblems.badRequest("If-Match", "must be a session version as given in ETag, e.g. \"3\"");
        }
    }

    private static Response ok(DatasetReviewSession s) {
        return session(Response.ok(), s);
    }

    private static Response session(Response.ResponseBuilder b, DatasetReviewSession s) {
        // the same JSON as SessionJson.write(s), reusing each unchanged field's and finding's JSON
        return b.tag(new EntityTag(Long.toString(s.version))).entity(SessionDocument.json(s))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
