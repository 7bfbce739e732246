package dev.conveyor.review.sessions.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetProfile;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FieldKind;
import dev.conveyor.review.sessions.FieldProvenance;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.SessionProjector;
import dev.conveyor.review.sessions.ValidationFinding;

/** The split of a session into a document and rows, and the change detection that decides what a write stores. */
class SessionDocumentTest {

    static final Instant T0 = Instant.parse("2026-03-16T10:00:00Z");

    @Test
    void theDocumentHoldsEverythingButFieldsAndFindingsAndReadsBackTheSame() {
        DatasetReviewSession s = session(3, 2);
        ImportedFilter filter = new ImportedFilter();
        filter.filterId = "f-1";
        filter.filterName = "region";
        filter.rawValue = SessionJson.tree(List.of("EU", "US"));
        s.importedFilters.add(filter); // a list another part of the aggregate owns: stored with no code for it

        String rest = SessionDocument.rest(s);
        JsonNode doc = SessionJson.parse(rest, JsonNode.class);

        assertThat(doc.has("fields")).isFalse();
        assertThat(doc.has("findings")).isFalse();
        assertThat(doc.get("imported_filters").get(0).get("raw_value").get(1).asText()).isEqualTo("US");
        DatasetReviewSession back = SessionDocument.fromRest(rest);
        back.fields = s.fields;
        back.findings = s.findings;
        assertThat(SessionJson.write(back)).isEqualTo(SessionJson.write(s));
    }

    @Test
    void aFoldOnTheWorkingCopyNeverChangesTheCommittedState() {
        DatasetReviewSession committedState = session(5, 3);
        SessionSnapshot committed = new SessionSnapshot(committedState, SessionDocument.rest(committedState));
        String before = SessionJson.write(committedState);

        DatasetReviewSession s = SessionDocument.workingCopy(committed);
        SemanticFieldEntry edited = Change.copy(s.fields.get(2));
        edited.verboseName = "Edited";
        s = apply(s, Change.of(SessionEventType.FIELD_UPDATED, "field", edited));
        ValidationFinding resolved = Change.copy(s.findings.get(1));
        resolved.resolutionState = ResolutionState.RESOLVED;
        s = apply(s, Change.of(SessionEventType.FINDING_UPDATED, "finding", resolved));
        s = apply(s, Change.of(SessionEventType.PROFILE_UPDATED, "profile", s.profile));

        assertThat(SessionJson.write(committedState)).isEqualTo(before);
        assertThat(s.fields.get(2).verboseName).isEqualTo("Edited");
        assertThat(s.version).isEqualTo(committedState.version + 3);
        assertThat(SessionDocument.changedPositions(committedState.fields, s.fields)).containsExactly(2);
        assertThat(SessionDocument.changedPositions(committedState.findings, s.findings)).containsExactly(1);
    }

    @Test
    void everyEventThatChangesFieldsOrFindingsReplacesTheEntriesItChanges() {
        DatasetReviewSession committedState = session(4, 2);
        SessionSnapshot committed = new SessionSnapshot(committedState, SessionDocument.rest(committedState));
        String before = SessionJson.write(committedState);
        DatasetReviewSession s = SessionDocument.workingCopy(committed);

        List<SemanticFieldEntry> two = List.of(Change.copy(s.fields.get(0)), Change.copy(s.fields.get(3)));
        two.forEach(f -> f.description = "bulk");
        s = apply(s, Change.of(SessionEventType.FIELDS_UPDATED, "fields", two));
        ValidationFinding raised = finding(s.sessionId, "new");
        s = apply(s, Change.of(SessionEventType.FINDING_RAISED, "findings", List.of(raised)));

        assertThat(SessionJson.write(committedState)).isEqualTo(before);
        assertThat(SessionDocument.changedPositions(committedState.fields, s.fields)).containsExactly(0, 3);
        assertThat(SessionDocument.changedPositions(committedState.findings, s.findings)).containsExactly(2);
    }

    @Test
    void aRepeatedIntakeChangesEveryPositionAndShorterListsLeaveRowsToDrop() {
        DatasetReviewSession committedState = session(4, 2);
        SessionSnapshot committed = new SessionSnapshot(committedState, SessionDocument.rest(committedState));
        DatasetReviewSession s = SessionDocument.workingCopy(committed);
        List<SemanticFieldEntry> incoming = new ArrayList<>(session(2, 0).fields);

        s = apply(s, Change.of(SessionEventType.INTAKE_COMPLETED, "profile", s.profile).with("fields", incoming)
                .with("findings", List.of()));

        assertThat(s.fields).hasSize(2);
        assertThat(SessionDocument.changedPositions(committedState.fields, s.fields)).containsExactly(0, 1);
        assertThat(SessionDocument.changedPositions(null, s.fields)).containsExactly(0, 1);
        assertThat(SessionDocument.changedPositions(committedState.findings, s.findings)).isEmpty();
    }

    @Test
    void theAnswerIsTheMappersJsonAndFollowsReplacedEntries() {
        DatasetReviewSession committedState = session(6, 3);
        assertThat(json(committedState)).isEqualTo(SessionJson.write(committedState));
        assertThat(json(committedState)).isEqualTo(SessionJson.write(committedState)); // from kept JSON

        DatasetReviewSession s = SessionDocument.workingCopy(
                new SessionSnapshot(committedState, SessionDocument.rest(committedState)));
        SemanticFieldEntry edited = Change.copy(s.fields.get(4));
        edited.verboseName = "Edited \"quoted\" é";
        s = apply(s, Change.of(SessionEventType.FIELD_UPDATED, "field", edited));

        assertThat(json(s)).isEqualTo(SessionJson.write(s)).contains("Edited \\\"quoted\\\" é");
        assertThat(json(committedState)).isEqualTo(SessionJson.write(committedState));
    }

    @Test
    void aMovedEntryIsAChangeOfItsPosition() {
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        assertThat(SessionDocument.changedPositions(List.of(a, b, c), List.of(a, c))).containsExactly(1);
        assertThat(SessionDocument.changedPositions(List.of(a, b), List.of(a, b, c))).containsExactly(2);
        assertThat(SessionDocument.changedPositions(List.of(a, b), List.of(a, b))).isEmpty();
    }

    @Test
    void rowsReadBackInOrder() {
        DatasetReviewSession s = session(3, 0);
        List<SemanticFieldEntry> back = SessionDocument.list(SessionJson.write(s.fields), SemanticFieldEntry.class);
        assertThat(back).extracting(f -> f.fieldName).containsExactly("col_0", "col_1", "col_2");
        assertThat(SessionJson.write(back)).isEqualTo(SessionJson.write(s.fields));
    }

    private static String json(DatasetReviewSession s) {
        return new String(SessionDocument.json(s), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static DatasetReviewSession apply(DatasetReviewSession s, Change c) {
        ObjectNode payload = (ObjectNode) SessionJson.tree(c.payload());
        return SessionProjector.apply(s, new SessionEvent(UUID.randomUUID().toString(), s.sessionId, s.version + 1,
                c.type(), "tester", payload, T0.plusSeconds(s.version + 1)));
    }

    /** A session as the intake leaves it: a profile, {@code fields} fields and {@code findings} open findings. */
    static DatasetReviewSession session(int fields, int findings) {
        DatasetReviewSession seed = new DatasetReviewSession();
        seed.sessionId = UUID.randomUUID().toString();
        seed.userId = "owner";
        seed.environmentId = "test";
        DatasetReviewSession s = SessionProjector.apply(null, new SessionEvent(UUID.randomUUID().toString(),
                seed.sessionId, 1, SessionEventType.SESSION_STARTED, "owner",
                SessionJson.tree(Map.of("session", seed)), T0));
        DatasetProfile p = new DatasetProfile();
        p.datasetName = "orders";
        p.businessSummary = "Orders";
        List<SemanticFieldEntry> entries = new ArrayList<>();
        for (int i = 0; i < fields; i++) {
            SemanticFieldEntry f = new SemanticFieldEntry();
            f.fieldId = UUID.randomUUID().toString();
            f.sessionId = s.sessionId;
            f.fieldName = "col_" + i;
            f.fieldKind = FieldKind.COLUMN;
            f.verboseName = "Column " + i;
            f.description = i % 2 == 0 ? "about " + i : null;
            f.provenance = FieldProvenance.UNRESOLVED;
            f.createdAt = T0;
            entries.add(f);
        }
        List<ValidationFinding> open = new ArrayList<>();
        for (int i = 0; i < findings; i++) {
            open.add(finding(s.sessionId, "code_" + i));
        }
        return apply(s, Change.of(SessionEventType.INTAKE_COMPLETED, "profile", p).with("fields", entries)
                .with("findings", open));
    }

    static ValidationFinding finding(String sessionId, String code) {
        ValidationFinding f = new ValidationFinding();
        f.findingId = UUID.randomUUID().toString();
        f.sessionId = sessionId;
        f.area = FindingArea.DATASET_PROFILE;
        f.severity = FindingSeverity.WARNING;
        f.code = code;
        f.title = code;
        f.message = code;
        f.resolutionState = ResolutionState.OPEN;
        f.createdAt = T0;
        return f;
    }
}
