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
    private static volatile String user;
    private static volatile String password;

    /** The reader's password: it must never show in an answer of the service. */
    public static String password() {
        return password;
    }

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
        // A reader of its own with a password of its own: what the service gets is only the reference "shop".
        user = "reader_" + name;
        password = "pw-" + java.util.UUID.randomUUID();
        try (java.sql.Connection c = server.connect(name); java.sql.Statement s = c.createStatement()) {
            s.execute("create role " + user + " login password '" + password + "'");
            s.execute("alter default privileges in schema public grant select on tables to " + user);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot prepare the shop database", e);
        }
        return Map.of(
                "conveyor.credentials.shop.username", user,
                "conveyor.credentials.shop.password", password,
                "conveyor.jdbc-sources.scheduler-tick", "1s");
    }

    @Override
    public void stop() {
    }
}
