package dev.conveyor.review.sessions.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SessionCollaborator;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionJson;

/**
 * The materialized view of sessions (one JSON document each), their event log and export bytes.
 * Native SQL on the ORM's connection, so it joins the caller's transaction.
 */
@ApplicationScoped
public class ReviewSessionRepository {

    private final EntityManager em;

    public ReviewSessionRepository(EntityManager em) {
        this.em = em;
    }

    /** The session, locked until the transaction ends: commands on one session run one at a time. */
    public Optional<DatasetReviewSession> lock(String sessionId) {
        return documents("select cast(document as text) from review_sessions where session_id = :id for update",
                sessionId).stream().findFirst();
    }

    public Optional<DatasetReviewSession> find(String sessionId) {
        return documents("select cast(document as text) from review_sessions where session_id = :id", sessionId)
                .stream().findFirst();
    }

    /** Sessions the user owns or collaborates on, newest activity first. */
    @SuppressWarnings("unchecked")
    public List<DatasetReviewSession> visibleTo(String userId, int limit) {
        List<String> docs = em.createNativeQuery("""
                select cast(s.document as text) from review_sessions s
                 where s.user_id = :user
                    or exists (select 1 from review_session_members m
                                where m.session_id = s.session_id and m.user_id = :user)
                 order by s.updated_at desc limit :limit""")
                .setParameter("user", userId).setParameter("limit", limit).getResultList();
        return docs.stream().map(d -> SessionJson.parse(d, DatasetReviewSession.class)).toList();
    }

    /** Writes the session's view; {@code collaboratorsChanged} also rewrites its member rows. */
    public void save(DatasetReviewSession s, boolean isNew, boolean collaboratorsChanged) {
        String sql = isNew ? """
                insert into review_sessions (session_id, user_id, version, status, readiness_state, updated_at, document)
                values (:id, :user, :version, :status, :readiness, :updated, cast(:doc as jsonb))"""
                : """
                update review_sessions set version = :version, status = :status, readiness_state = :readiness,
                       updated_at = :updated, document = cast(:doc as jsonb), user_id = :user
                 where session_id = :id""";
        em.createNativeQuery(sql)
                .setParameter("id", UUID.fromString(s.sessionId))
                .setParameter("user", s.userId)
                .setParameter("version", s.version)
                .setParameter("status", s.status.wire())
                .setParameter("readiness", s.readinessState.wire())
                .setParameter("updated", Timestamp.from(s.updatedAt))
                .setParameter("doc", SessionJson.write(s))
                .executeUpdate();
        if (isNew || collaboratorsChanged) {
            em.createNativeQuery("delete from review_session_members where session_id = :id")
                    .setParameter("id", UUID.fromString(s.sessionId)).executeUpdate();
            for (SessionCollaborator c : s.collaborators) {
                em.createNativeQuery("insert into review_session_members (session_id, user_id, role) values (:id, :u, :r)")
                        .setParameter("id", UUID.fromString(s.sessionId)).setParameter("u", c.userId)
                        .setParameter("r", c.role.wire()).executeUpdate();
            }
        }
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
    private List<DatasetReviewSession> documents(String sql, String sessionId) {
        List<String> docs = em.createNativeQuery(sql).setParameter("id", UUID.fromString(sessionId)).getResultList();
        return docs.stream().map(d -> SessionJson.parse(d, DatasetReviewSession.class)).toList();
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
