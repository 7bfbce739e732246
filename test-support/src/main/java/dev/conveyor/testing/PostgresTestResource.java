package dev.conveyor.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conveyor.local.Database;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL for {@code @QuarkusTest}s: the embedded server, one per test JVM, with a
 * new empty database for each test class that starts this resource.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Database server;

    public static synchronized Database server() {
        if (server == null) {
            server = Database.embedded();
            Database started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-postgres-stop"));
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        Database db = server();
        String name = "test_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        db.recreate(List.of(name));
        return Map.of(
                "quarkus.datasource.jdbc.url", db.jdbcUrl(name),
                "quarkus.datasource.username", db.user(),
                "quarkus.datasource.password", db.password());
    }

    @Override
    public void stop() {
        // the server is shared; the shutdown hook stops it
    }
}
