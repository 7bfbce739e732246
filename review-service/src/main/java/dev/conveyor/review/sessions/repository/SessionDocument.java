package dev.conveyor.review.sessions.repository;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.ValidationFinding;

/**
 * How a session is split for storage: its two big lists ({@code fields}, {@code findings}) as one
 * row per entry, everything else as one small JSON document. The document is the aggregate
 * written by the same mapper as the API minus those two lists, so a field added to
 * {@link DatasetReviewSession} is stored with no change here.
 */
public final class SessionDocument {

    /** The lists that live in rows; every other property of the session is in the document. */
    @JsonIgnoreProperties({"fields", "findings"})
    abstract static class WithoutRows {
    }

    static final ObjectMapper REST = SessionJson.MAPPER.copy().addMixIn(DatasetReviewSession.class, WithoutRows.class);

    /** The API's form, with each entry written from its kept JSON ({@link EntryJson}). */
    abstract static class EntriesFromKeptJson {
        @JsonSerialize(contentUsing = EntryJson.Serializer.class)
        public List<SemanticFieldEntry> fields;
        @JsonSerialize(contentUsing = EntryJson.Serializer.class)
        public List<ValidationFinding> findings;
    }

    static final ObjectMapper ANSWER = SessionJson.MAPPER.copy()
            .addMixIn(DatasetReviewSession.class, EntriesFromKeptJson.class);

    private SessionDocument() {
    }

    /** The session without its fields and findings, as stored in {@code review_sessions.document}. */
    public static String rest(DatasetReviewSession s) {
        try {
            return REST.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write session " + s.sessionId, e);
        }
    }

    /**
     * The session as the API answers it, in UTF-8: byte for byte {@code SessionJson.write(s)}, but
     * an entry unchanged since it was last written or answered is copied from its kept bytes.
     */
    public static byte[] json(DatasetReviewSession s) {
        try {
            return ANSWER.writeValueAsBytes(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write session " + s.sessionId, e);
        }
    }

    /** A session read from its document: fields and findings are empty until the rows fill them. */
    public static DatasetReviewSession fromRest(String json) {
        try {
            return REST.readValue(json, DatasetReviewSession.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Unreadable session document: " + e.getOriginalMessage(), e);
        }
    }

    /** The entries of a JSON array, in order. */
    public static <T> List<T> list(String jsonArray, Class<T> type) {
        try {
            return SessionJson.MAPPER.readValue(jsonArray,
                    SessionJson.MAPPER.getTypeFactory().constructCollectionType(ArrayList.class, type));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Unreadable " + type.getSimpleName() + " rows: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A state a command may change without touching {@code committed}: the document part is read
     * afresh (the fold and readiness change it in place), the lists are new lists holding the same
     * entries (the fold replaces an entry it changes, it never edits one).
     */
    public static DatasetReviewSession workingCopy(SessionSnapshot committed) {
        DatasetReviewSession s = fromRest(committed.rest());
        s.fields = new ArrayList<>(committed.state().fields);
        s.findings = new ArrayList<>(committed.state().findings);
        return s;
    }

    /**
     * Positions whose entry is not the very object the committed list held there: what a write
     * must store. Entries are compared by identity, so the cost is one pass of reference checks,
     * and only replaced or moved entries are serialized.
     */
    public static List<Integer> changedPositions(List<?> before, List<?> after) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            if (before == null || i >= before.size() || before.get(i) != after.get(i)) {
                out.add(i);
            }
        }
        return out;
    }
}
