package dev.conveyor.ingest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conveyor.local.Database;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A database that is not the service's own, for JDBC sources to pull from: a new database on the
 * test PostgreSQL server. Its credentials reach the service only as configuration under the
 * reference {@code shop}, as a Kubernetes Secret's would.
 */
public class ShopDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile String name;

    public static String jdbcUrl() {
        return PostgresTestResource.server().jdbcUrl(name);
    }

    public static java.sql.Connection connect() throws java.sql.SQLException {
        return PostgresTestResource.server().connect(name);
    }

    @Override
    public Map<String, String> start() {
        Database server = PostgresTestResource.server();
        name = "shop_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        server.recreate(List.of(name));
        return Map.of(
                "conveyor.credentials.shop.username", server.user(),
                "conveyor.credentials.shop.password", server.password(),
                "conveyor.jdbc-sources.scheduler-tick", "1s");
    }

    @Override
    public void stop() {
    }
}
