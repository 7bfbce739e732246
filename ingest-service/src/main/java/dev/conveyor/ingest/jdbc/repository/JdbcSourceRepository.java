package dev.conveyor.ingest.jdbc.repository;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.ingest.pulled.repository.PulledSourceRepository;

/** Table {@code jdbc_source}. */
@ApplicationScoped
public class JdbcSourceRepository implements PulledSourceRepository<JdbcSourceEntity> {

    @Override
    public String table() {
        return "jdbc_source";
    }
}
