package dev.conveyor.ingest.rest;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemMappers;

/**
 * What no other mapper handles, as problem+json. Every write of this service runs in one database
 * transaction that rolls back on any error, so the answer can say that nothing was stored; a
 * failure of the database itself (including at commit) is a 503 worth retrying.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorMapper.class);

    @Override
    public Response toResponse(RuntimeException e) {
        if (isDatabaseFailure(e)) {
            LOG.warn("Database failure, the request's transaction was rolled back: {}", e.toString());
            return ProblemMappers.toResponse(Problem.of(503, "Database unavailable",
                    "The database did not commit; nothing was stored. Retry (with the same Idempotency-Key)."));
        }
        LOG.error("Unexpected error, the request's transaction was rolled back", e);
        return ProblemMappers.toResponse(Problem.of(500, "Internal error",
                "Nothing was stored: " + e.getClass().getSimpleName()));
    }

    private static boolean isDatabaseFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof PersistenceException
                    || t instanceof jakarta.transaction.RollbackException
                    || t.getClass().getName().startsWith("jakarta.transaction.")
                    || t.getClass().getName().startsWith("io.quarkus.narayana")) {
                return true;
            }
        }
        return false;
    }
}
