package dev.conveyor.review.sessions.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionCollaborator;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.ValidationFinding;

/**
 * The materialized view of sessions, their event log and export bytes. A session is stored as a
 * small JSON document (everything but its fields and findings) plus one row per field and per
 * finding, so that a command writes what it changed, not the session (docs/decisions/
 * 07-session-storage-by-entry.md). Native SQL on the ORM's connection, so it joins the caller's
 * transaction.
 */
@ApplicationScoped
public class ReviewSessionRepository {

    private final EntityManager em;
    private final RecentSessions recent;

    public ReviewSessionRepository(EntityManager em, RecentSessions recent) {
        this.em = em;
        this.recent = recent;
    }

    /**
     * The session's committed state, its row locked until the transaction ends: commands on one
     * session run one at a time, on every instance. The row's version decides whether the cached
     * snapshot is current; otherwise the session is read from its rows.
     */
    public Optional<SessionSnapshot> lock(String sessionId) {
        return versionOf("select version, updated_at from review_sessions where session_id = :id for update",
                sessionId).map(version -> recent.at(sessionId, version).orElseGet(() -> load(sessionId)
                        .orElseThrow(() -> new IllegalStateException("session " + sessionId + " vanished under its lock"))));
    }

    /** The session as last committed (a working copy: the caller may change it). */
    public Optional<DatasetReviewSession> find(String sessionId) {
        return versionOf("select version, updated_at from review_sessions where session_id = :id", sessionId)
                .flatMap(version -> recent.at(sessionId, version).or(() -> load(sessionId).map(s -> {
                    recent.remember(s);
                    return s;
                })))
                .map(SessionDocument::workingCopy);
    }

    /**
     * Sessions the user owns or collaborates on, newest activity first: their documents only
     * (everything but fields and findings, which a list does not show).
     */
    @SuppressWarnings("unchecked")
    public List<DatasetReviewSession> visibleTo(String userId, int limit) {
        List<String> docs = em.createNativeQuery("""
                select cast(s.document as text) from review_sessions s
                 where s.user_id = :user
                    or exists (select 1 from review_session_members m
                                where m.session_id = s.session_id and m.user_id = :user)
                 order by s.updated_at desc limit :limit""")
                .setParameter("user", userId).setParameter("limit", limit).getResultList();
        return docs.stream().map(SessionDocument::fromRest).toList();
    }

    /** Stores a new session: its document, every field and finding, its members. */
    public void insert(DatasetReviewSession s) {
        String rest = SessionDocument.rest(s);
        bindSession(em.createNativeQuery("""
                insert into review_sessions (session_id, user_id, version, status, readiness_state, updated_at, document)
                values (:id, :user, :version, :status, :readiness, :updated, cast(:doc as jsonb))"""), s, rest)
                .executeUpdate();
        writeRows(s.sessionId, FIELDS, null, s.fields);
        writeRows(s.sessionId, FINDINGS, null, s.findings);
        writeMembers(s);
        recent.rememberAfterCommit(new SessionSnapshot(s, rest));
    }

    /**
     * Stores what a command changed on {@code before}: the document (small; always, as the version
     * moves), the field and finding rows whose entry was replaced, moved, added or dropped, and the
     * member rows if the collaborators changed. An edit of one field writes one field row.
     */
    public void update(SessionSnapshot before, DatasetReviewSession s) {
        String rest = SessionDocument.rest(s);
        bindSession(em.createNativeQuery("""
                update review_sessions set version = :version, status = :status, readiness_state = :readiness,
                       updated_at = :updated, document = cast(:doc as jsonb), user_id = :user
                 where session_id = :id"""), s, rest)
                .executeUpdate();
        writeRows(s.sessionId, FIELDS, before.state().fields, s.fields);
        writeRows(s.sessionId, FINDINGS, before.state().findings, s.findings);
        if (!SessionJson.write(before.state().collaborators).equals(SessionJson.write(s.collaborators))) {
            em.createNativeQuery("delete from review_session_members where session_id = :id")
                    .setParameter("id", UUID.fromString(s.sessionId)).executeUpdate();
            writeMembers(s);
        }
        recent.rememberAfterCommit(new SessionSnapshot(s, rest));
    }

    /** The session row's columns, as the insert and the update both name them. */
    private static Query bindSession(Query statement, DatasetReviewSession s, String document) {
        return statement.setParameter("id", UUID.fromString(s.sessionId))
                .setParameter("user", s.userId)
                .setParameter("version", s.version)
                .setParameter("status", s.status.wire())
                .setParameter("readiness", s.readinessState.wire())
                .setParameter("updated", Timestamp.from(s.updatedAt))
                .setParameter("doc", document);
    }

    /** One of the two lists kept as rows. */
    record RowTable(String table, String idColumn, String idProperty) {
    }

    static final RowTable FIELDS = new RowTable("review_session_fields", "field_id", "field_id");
    static final RowTable FINDINGS = new RowTable("review_session_findings", "finding_id", "finding_id");

    /**
     * Upserts the changed positions in one statement (a JSON array PostgreSQL unnests) and drops the
     * positions past the list's new end.
     */
    private void writeRows(String sessionId, RowTable t, List<?> before, List<?> after) {
        List<Integer> changed = SessionDocument.changedPositions(before, after);
        if (!changed.isEmpty()) {
            StringBuilder rows = new StringBuilder(changed.size() * 512).append('[');
            for (int i : changed) {
                if (rows.length() > 1) {
                    rows.append(',');
                }
                rows.append("{\"p\":").append(i).append(",\"e\":").append(EntryJson.of(after.get(i))).append('}');
            }
            rows.append(']');
            em.createNativeQuery("insert into " + t.table() + " (session_id, position, " + t.idColumn() + ", entry)"
                    + " select :id, (r->>'p')::int, r->'e'->>'" + t.idProperty() + "', r->'e'"
                    + " from jsonb_array_elements(cast(:rows as jsonb)) r"
                    + " on conflict (session_id, position) do update set " + t.idColumn() + " = excluded."
                    + t.idColumn() + ", entry = excluded.entry")
                    .setParameter("id", UUID.fromString(sessionId))
                    .setParameter("rows", rows.toString())
                    .executeUpdate();
        }
        if (before != null && before.size() > after.size()) {
            em.createNativeQuery("delete from " + t.table() + " where session_id = :id and position >= :size")
                    .setParameter("id", UUID.fromString(sessionId))
                    .setParameter("size", after.size())
                    .executeUpdate();
        }
    }

    private void writeMembers(DatasetReviewSession s) {
        for (SessionCollaborator c : s.collaborators) {
            em.createNativeQuery("insert into review_session_members (session_id, user_id, role) values (:id, :u, :r)")
                    .setParameter("id", UUID.fromString(s.sessionId)).setParameter("u", c.userId)
                    .setParameter("r", c.role.wire()).executeUpdate();
        }
    }

    /**
     * The committed session from its document and rows, in one statement (one snapshot of the
     * database, even without the row lock).
     */
    @SuppressWarnings("unchecked")
    private Optional<SessionSnapshot> load(String sessionId) {
        List<Object[]> rows = em.createNativeQuery("""
                select cast(s.document as text),
                       (select cast(coalesce(json_agg(f.entry order by f.position), '[]') as text)
                          from review_session_fields f where f.session_id = s.session_id),
                       (select cast(coalesce(json_agg(g.entry order by g.position), '[]') as text)
                          from review_session_findings g where g.session_id = s.session_id)
                  from review_sessions s where s.session_id = :id""")
                .setParameter("id", UUID.fromString(sessionId)).getResultList();
        return rows.stream().findFirst().map(r -> {
            String rest = (String) r[0];
            DatasetReviewSession s = SessionDocument.fromRest(rest);
            s.fields = SessionDocument.list((String) r[1], SemanticFieldEntry.class);
            s.findings = SessionDocument.list((String) r[2], ValidationFinding.class);
            return new SessionSnapshot(s, rest);
        });
    }

    /**
     * The row's version and last change time: together they name one committed state, even across
     * a rebuild from a topic that lost events (the version could then be reached again by other
     * events, never at the same time).
     */
    @SuppressWarnings("unchecked")
    private Optional<RecentSessions.Version> versionOf(String sql, String sessionId) {
        List<Object[]> v = em.createNativeQuery(sql).setParameter("id", UUID.fromString(sessionId)).getResultList();
        return v.stream().findFirst().map(r -> new RecentSessions.Version(((Number) r[0]).longValue(), instant(r[1])));
    }

    private static Instant instant(Object value) {
        return value instanceof Timestamp ts ? ts.toInstant()
                : value instanceof Instant i ? i : ((java.time.OffsetDateTime) value).toInstant();
    }

    public void append(List<SessionEvent> events) {
        for (SessionEvent e : events) {
            em.createNativeQuery("""
                    insert into review_session_events (event_id, session_id, seq, type, actor, payload, occurred_at)
                    values (:id, :session, :seq, :type, :actor, cast(:payload as jsonb), :at)""")
                    .setParameter("id", UUID.fromString(e.eventId()))
                    .setParameter("session", UUID.fromString(e.sessionId()))
                    .setParameter("seq", e.seq())
                    .setParameter("type", e.type())
                    .setParameter("actor", e.actor())
                    .setParameter("payload", SessionJson.write(e.payload()))
                    .setParameter("at", Timestamp.from(e.occurredAt()))
                    .executeUpdate();
        }
    }

    public List<SessionEvent> events(String sessionId) {
        return eventRows("""
                select cast(event_id as text), cast(session_id as text), seq, type, actor, cast(payload as text), occurred_at
                  from review_session_events where session_id = :session order by seq""", "session",
                UUID.fromString(sessionId));
    }

    /** Events the broker has not acknowledged yet, in commit order (the outbox the relay sends). */
    public List<SessionEvent> unpublished(int limit) {
        return eventRows("""
                select cast(event_id as text), cast(session_id as text), seq, type, actor, cast(payload as text), occurred_at
                  from review_session_events where published_at is null order by outbox_seq limit :limit""",
                "limit", limit);
    }

    public void markPublished(List<String> eventIds, Instant at) {
        if (eventIds.isEmpty()) {
            return;
        }
        em.createNativeQuery("update review_session_events set published_at = :at where event_id in (:ids)")
                .setParameter("at", Timestamp.from(at))
                .setParameter("ids", eventIds.stream().map(UUID::fromString).toList())
                .executeUpdate();
    }

    /**
     * Holds every writer off until the transaction ends (a rebuild): commands lock or insert their
     * session's row before they write events. The log stays unlocked, for the relay.
     */
    public void lockSessionsAgainstWriters() {
        em.createNativeQuery("lock table review_sessions in exclusive mode").executeUpdate();
    }

    /** Drops the view and the local log; the rebuild writes them again from the topic. */
    public void clearAll() {
        recent.forgetAll();
        em.createNativeQuery("delete from review_session_fields").executeUpdate();
        em.createNativeQuery("delete from review_session_findings").executeUpdate();
        em.createNativeQuery("delete from review_session_members").executeUpdate();
        em.createNativeQuery("delete from review_sessions").executeUpdate();
        em.createNativeQuery("delete from review_session_events").executeUpdate();
    }

    public void appendPublished(List<SessionEvent> events, Instant at) {
        append(events);
        markPublished(events.stream().map(SessionEvent::eventId).toList(), at);
    }

    public void saveExport(String artifactId, String sessionId, String mediaType, String fileName, byte[] content,
            Instant at) {
        em.createNativeQuery("""
                insert into review_session_exports (artifact_id, session_id, media_type, file_name, content, created_at)
                values (:id, :session, :media, :name, :content, :at)""")
                .setParameter("id", UUID.fromString(artifactId))
                .setParameter("session", UUID.fromString(sessionId))
                .setParameter("media", mediaType)
                .setParameter("name", fileName)
                .setParameter("content", content)
                .setParameter("at", Timestamp.from(at))
                .executeUpdate();
    }

    /** An export's bytes. */
    public record StoredExport(String mediaType, String fileName, byte[] content) {
    }

    @SuppressWarnings("unchecked")
    public Optional<StoredExport> export(String sessionId, String artifactId) {
        List<Object[]> rows = em.createNativeQuery("""
                select media_type, file_name, content from review_session_exports
                 where artifact_id = :id and session_id = :session""")
                .setParameter("id", UUID.fromString(artifactId))
                .setParameter("session", UUID.fromString(sessionId)).getResultList();
        return rows.stream().findFirst().map(r -> new StoredExport((String) r[0], (String) r[1], (byte[]) r[2]));
    }

    @SuppressWarnings("unchecked")
    private List<SessionEvent> eventRows(String sql, String param, Object value) {
        List<Object[]> rows = em.createNativeQuery(sql).setParameter(param, value).getResultList();
        List<SessionEvent> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            Instant at = r[6] instanceof Timestamp ts ? ts.toInstant()
                    : r[6] instanceof Instant i ? i : ((java.time.OffsetDateTime) r[6]).toInstant();
            out.add(new SessionEvent((String) r[0], (String) r[1], ((Number) r[2]).longValue(), (String) r[3],
                    (String) r[4], SessionJson.parse((String) r[5], com.fasterxml.jackson.databind.JsonNode.class), at));
        }
        return out;
    }
}
