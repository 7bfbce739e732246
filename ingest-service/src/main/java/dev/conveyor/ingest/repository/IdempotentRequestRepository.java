package dev.conveyor.ingest.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** Table {@code idempotent_request}: the first answer to each {@code Idempotency-Key}. */
@ApplicationScoped
public class IdempotentRequestRepository {

    /** A stored answer, and the request it answered (method, source, format, mode). */
    public record StoredAnswer(String request, int status, String answerJson) {
    }

    private final EntityManager entityManager;

    public IdempotentRequestRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Claims the key for the current transaction. When another transaction holds it, PostgreSQL
     * makes this wait until that one ends: a concurrent retry then sees the committed answer
     * instead of doing the work twice.
     *
     * @return true when the key is ours; false when an answer is stored already
     */
    public boolean claim(String key, String request) {
        return entityManager.createNativeQuery("""
                insert into idempotent_request (idempotency_key, request, status, answer, created_at)
                values (:key, :request, 0, '{}', :now)
                on conflict (idempotency_key) do nothing
                """)
                .setParameter("key", key)
                .setParameter("request", request)
                .setParameter("now", Instant.now())
                .executeUpdate() == 1;
    }

    public void answer(String key, int status, String answerJson) {
        entityManager.createNativeQuery("""
                update idempotent_request set status = :status, answer = :answer
                where idempotency_key = :key
                """)
                .setParameter("status", status)
                .setParameter("answer", answerJson)
                .setParameter("key", key)
                .executeUpdate();
    }

    public Optional<StoredAnswer> find(String key) {
        List<?> found = entityManager.createNativeQuery("""
                select request, status, answer from idempotent_request where idempotency_key = :key
                """)
                .setParameter("key", key)
                .getResultList();
        return found.stream().findFirst().map(r -> {
            Object[] row = (Object[]) r;
            return new StoredAnswer((String) row[0], ((Number) row[1]).intValue(), (String) row[2]);
        });
    }
}
