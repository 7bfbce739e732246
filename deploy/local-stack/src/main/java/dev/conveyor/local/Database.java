package dev.conveyor.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server for the local stack: the one configured in the environment (PGHOST,
 * PGPORT, PGUSER, PGPASSWORD) when it answers, or else an embedded PostgreSQL that ships as a
 * Maven artifact. Each service gets a database of its own, created empty.
 */
public final class Database implements AutoCloseable {

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private Database(String host, int port, String user, String password, EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    /** The local server when the environment names one that answers, else an embedded one. */
    public static Database localOrEmbedded(Map<String, String> env) {
        return local(env).orElseGet(Database::embedded);
    }

    public static Optional<Database> local(Map<String, String> env) {
        String password = env.get("PGPASSWORD");
        if (password == null && !env.containsKey("PGHOST")) {
            return Optional.empty();
        }
        String host = env.getOrDefault("PGHOST", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("PGPORT", "5432"));
        String user = env.getOrDefault("PGUSER", "postgres");
        Database db = new Database(host, port, user, password == null ? "" : password, null);
        try (Connection ignored = db.connect("postgres")) {
            return Optional.of(db);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    public static Database embedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(Ports.free()).start();
            return new Database("127.0.0.1", pg.getPort(), "postgres", "postgres", pg);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Drops and creates each database, so that a local run starts from nothing. */
    public void recreate(List<String> databases) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            for (String name : databases) {
                if (!name.matches("[a-z_][a-z0-9_]*")) {
                    throw new IllegalArgumentException("Not a plain database name: " + name);
                }
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create databases " + databases + ": " + e.getMessage(), e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (Exception e) {
                // best effort on shutdown
            }
        }
    }
}
