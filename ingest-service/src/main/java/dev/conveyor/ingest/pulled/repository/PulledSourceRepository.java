package dev.conveyor.ingest.pulled.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** The table of one kind of pulled source. */
public interface PulledSourceRepository<E extends PulledSourceEntity> extends PanacheRepositoryBase<E, String> {

    /** The table the sources are kept in. */
    String table();

    /** Locks the source for the current transaction: pulls of one source never overlap, on any instance. */
    default Optional<E> lock(String name) {
        return findByIdOptional(name, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Sources on a schedule whose next pull is due. */
    @SuppressWarnings("unchecked")
    default List<String> due(Instant now) {
        return getEntityManager().createNativeQuery("""
                select name from %s
                where pull_every_seconds is not null
                  and (last_pulled_at is null or last_pulled_at + make_interval(secs => pull_every_seconds) <= :now)
                order by name
                """.formatted(table()), String.class)
                .setParameter("now", now)
                .getResultList();
    }
}
