package dev.conveyor.review.sessions;

import static dev.conveyor.review.sessions.SessionEventType.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Folds events into the session state. Pure: the same events give the same state, which is what
 * the rebuild from the topic relies on. Every event bumps the version and the activity time, then
 * the derived fields are recomputed by {@link Readiness}.
 */
public final class SessionProjector {

    private SessionProjector() {
    }

    public static DatasetReviewSession fold(List<SessionEvent> events) {
        DatasetReviewSession s = null;
        for (SessionEvent e : events) {
            s = apply(s, e);
        }
        return s;
    }

    public static DatasetReviewSession apply(DatasetReviewSession s, SessionEvent e) {
        JsonNode p = e.payload();
        if (SESSION_STARTED.equals(e.type())) {
            s = SessionJson.read(p.get("session"), DatasetReviewSession.class);
            s.status = SessionStatus.ACTIVE;
            s.createdAt = e.occurredAt();
        } else if (s == null) {
            throw new IllegalStateException("event " + e.type() + " before the session started: " + e.sessionId());
        }
        mutate(s, e, p);
        s.version = e.seq();
        s.updatedAt = e.occurredAt();
        s.lastActivityAt = e.occurredAt();
        Readiness.apply(s);
        return s;
    }

    private static void mutate(DatasetReviewSession s, SessionEvent e, JsonNode p) {
        switch (e.type()) {
            case SESSION_STARTED -> {
            }
            case COLLABORATOR_ADDED -> {
                SessionCollaborator c = SessionJson.read(p.get("collaborator"), SessionCollaborator.class);
                s.collaborators.removeIf(x -> x.userId.equals(c.userId));
                s.collaborators.add(c);
            }
            case COLLABORATOR_REMOVED -> s.collaborators.removeIf(x -> x.userId.equals(p.get("user_id").asText()));
            case STATUS_CHANGED -> {
                s.status = SessionStatus.from(p.get("status").asText());
                s.closedAt = SessionLifecycle.closes(s.status) ? e.occurredAt() : null;
            }
            case INTAKE_STARTED -> s.activeTaskId = p.get("task_id").asText();
            case INTAKE_COMPLETED -> {
                s.activeTaskId = null;
                s.profile = SessionJson.read(p.get("profile"), DatasetProfile.class);
                if (p.hasNonNull("dataset_ref")) {
                    s.datasetRef = p.get("dataset_ref").asText();
                }
                // a repeated intake replaces what the earlier one read, but never a person's decisions
                List<SemanticFieldEntry> incoming = readList(p.get("fields"), SemanticFieldEntry.class);
                List<SemanticFieldEntry> merged = new ArrayList<>();
                for (SemanticFieldEntry f : incoming) {
                    SemanticFieldEntry old = find(s.fields, x -> x.fieldName + "/" + x.fieldKind,
                            f.fieldName + "/" + f.fieldKind);
                    merged.add(old != null && old.isLocked ? old : f);
                }
                s.fields = merged;
                s.findings.removeIf(f -> f.area == FindingArea.SOURCE_INTAKE && f.isOpen());
                for (ValidationFinding f : readList(p.get("findings"), ValidationFinding.class)) {
                    upsert(s.findings, f, x -> x.findingId);
                }
            }
            case INTAKE_FAILED -> {
                s.activeTaskId = null;
                upsert(s.findings, SessionJson.read(p.get("finding"), ValidationFinding.class), x -> x.findingId);
            }
            case PROFILE_UPDATED -> s.profile = SessionJson.read(p.get("profile"), DatasetProfile.class);
            case FIELD_UPDATED -> upsert(s.fields, SessionJson.read(p.get("field"), SemanticFieldEntry.class),
                    x -> x.fieldId);
            case FIELDS_UPDATED -> readList(p.get("fields"), SemanticFieldEntry.class)
                    .forEach(f -> upsert(s.fields, f, x -> x.fieldId));
            case FINDING_RAISED, FINDING_UPDATED -> {
                if (p.has("findings")) {
                    readList(p.get("findings"), ValidationFinding.class).forEach(f -> upsert(s.findings, f,
                            x -> x.findingId));
                } else {
                    upsert(s.findings, SessionJson.read(p.get("finding"), ValidationFinding.class), x -> x.findingId);
                }
            }
            case SEMANTIC_SOURCE_ADDED, SEMANTIC_SOURCE_UPDATED -> upsert(s.semanticSources,
                    SessionJson.read(p.get("source"), SemanticSource.class), x -> x.sourceId);
            case CLARIFICATION_STARTED, CLARIFICATION_ADVANCED -> s.clarification = SessionJson.read(
                    p.get("clarification"), ClarificationSession.class);
            case CLARIFICATION_ANSWER_RECORDED -> {
                ClarificationQuestion q = SessionJson.read(p.get("question"), ClarificationQuestion.class);
                upsert(s.clarification.questions, q, x -> x.questionId);
                s.clarification.updatedAt = e.occurredAt();
            }
            case EXPORT_CREATED -> s.exports.add(SessionJson.read(p.get("artifact"), ExportArtifact.class));
            case AI_REQUESTED -> {
                AiRequest r = SessionJson.read(p.get("request"), AiRequest.class);
                upsert(s.aiRequests, r, x -> x.requestId);
                s.activeTaskId = r.taskId;
            }
            case AI_ANSWERED -> {
                AiRequest r = SessionJson.read(p.get("request"), AiRequest.class);
                upsert(s.aiRequests, r, x -> x.requestId);
                if (r.taskId.equals(s.activeTaskId)) {
                    s.activeTaskId = s.aiRequests.stream().filter(x -> "requested".equals(x.status))
                            .map(x -> x.taskId).reduce((a, b) -> b).orElse(null);
                }
            }
            case TEMPLATE_VARIABLES_DISCOVERED -> {
                s.templateVariables = readList(p.get("variables"), TemplateVariable.class);
                readList(p.get("findings"), ValidationFinding.class).forEach(f -> upsert(s.findings, f,
                        x -> x.findingId));
            }
            case MAPPINGS_PROPOSED, MAPPING_OVERRIDDEN, MAPPING_APPROVED, MAPPING_REJECTED -> {
                readList(p.get("mappings"), ExecutionMapping.class).forEach(m -> upsert(s.mappings, m,
                        x -> x.mappingId));
                readList(p.get("removed_mapping_ids"), String.class).forEach(id -> s.mappings
                        .removeIf(m -> m.mappingId.equals(id)));
                readList(p.get("findings"), ValidationFinding.class).forEach(f -> upsert(s.findings, f,
                        x -> x.findingId));
            }
            case MAPPINGS_REMOVED -> readList(p.get("mapping_ids"), String.class)
                    .forEach(id -> s.mappings.removeIf(m -> m.mappingId.equals(id)));
            case PREVIEW_REQUESTED, PREVIEW_COMPILED, PREVIEW_FAILED, PREVIEW_STALED -> {
                CompiledPreview preview = SessionJson.read(p.get("preview"), CompiledPreview.class);
                upsert(s.previews, preview, x -> x.previewId);
                if (!PREVIEW_STALED.equals(e.type())) {
                    s.lastPreviewId = preview.previewId;
                }
                if (p.hasNonNull("task_id")) {
                    s.activeTaskId = p.get("task_id").asText();
                } else if (s.activeTaskId != null
                        && s.activeTaskId.equals(dev.conveyor.review.sessions.execution.RunReadiness.PREVIEW_TASK_PREFIX
                                + preview.previewId)) {
                    s.activeTaskId = null;
                }
                readList(p.get("findings"), ValidationFinding.class).forEach(f -> upsert(s.findings, f,
                        x -> x.findingId));
            }
            case LAUNCH_REQUESTED -> s.activeTaskId = p.get("task_id").asText();
            case LAUNCH_RECORDED -> {
                DatasetRunContext run = SessionJson.read(p.get("run_context"), DatasetRunContext.class);
                upsert(s.runContexts, run, x -> x.runContextId);
                s.lastRunContextId = run.runContextId;
                if (p.hasNonNull("task_id") && p.get("task_id").asText().equals(s.activeTaskId)) {
                    s.activeTaskId = null;
                }
                readList(p.get("findings"), ValidationFinding.class).forEach(f -> upsert(s.findings, f,
                        x -> x.findingId));
            }
            case SUPERSET_LINK_RESOLVED -> {
                if (p.hasNonNull("dataset_id")) {
                    s.datasetId = p.get("dataset_id").asInt();
                }
                if (p.hasNonNull("dashboard_id")) {
                    s.dashboardId = p.get("dashboard_id").asInt();
                }
                if (p.hasNonNull("dataset_ref")) {
                    s.datasetRef = p.get("dataset_ref").asText();
                }
            }
            case FILTERS_RECOVERED -> {
                // a recovery replaces what the earlier one recovered, never a person's filters
                s.importedFilters.removeIf(f -> f.source != FilterSource.MANUAL);
                s.importedFilters.addAll(readList(p.get("filters"), ImportedFilter.class));
                s.findings.removeIf(f -> f.area == FindingArea.FILTER_RECOVERY && f.isOpen());
                readList(p.get("findings"), ValidationFinding.class).forEach(f -> upsert(s.findings, f,
                        x -> x.findingId));
            }
            case FILTER_ADDED, FILTER_UPDATED -> upsert(s.importedFilters,
                    SessionJson.read(p.get("filter"), ImportedFilter.class), x -> x.filterId);
            case FILTER_REMOVED -> s.importedFilters.removeIf(f -> f.filterId.equals(p.get("filter_id").asText()));
            default -> throw new IllegalStateException("unknown session event type " + e.type());
        }
    }

    static <T> List<T> readList(JsonNode array, Class<T> type) {
        List<T> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(SessionJson.read(n, type)));
        }
        return out;
    }

    static <T> void upsert(List<T> list, T item, Function<T, String> id) {
        String key = id.apply(item);
        for (int i = 0; i < list.size(); i++) {
            if (id.apply(list.get(i)).equals(key)) {
                list.set(i, item);
                return;
            }
        }
        list.add(item);
    }

    static <T> T find(List<T> list, Function<T, String> id, String key) {
        return list.stream().filter(x -> id.apply(x).equals(key)).findFirst().orElse(null);
    }
}
