package dev.conveyor.ingest.jdbc.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Table {@code jdbc_source}. */
@ApplicationScoped
public class JdbcSourceRepository implements PanacheRepositoryBase<JdbcSourceEntity, String> {

    /** Locks the source for the current transaction: pulls of one source run one at a time, across instances. */
    public Optional<JdbcSourceEntity> lock(String name) {
        return findByIdOptional(name, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Sources on a schedule whose next pull is due. */
    public List<String> due(Instant now) {
        return getEntityManager().createNativeQuery("""
                select name from jdbc_source
                where pull_every_seconds is not null
                  and (last_pulled_at is null or last_pulled_at + make_interval(secs => pull_every_seconds) <= :now)
                order by name
                """, String.class)
                .setParameter("now", now)
                .getResultList();
    }
}
