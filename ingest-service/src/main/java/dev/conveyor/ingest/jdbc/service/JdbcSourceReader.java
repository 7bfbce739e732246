package dev.conveyor.ingest.jdbc.service;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.jdbc.repository.JdbcSourceEntity;
import dev.conveyor.ingest.jdbc.repository.JdbcSourceRepository;
import dev.conveyor.ingest.pulled.service.Credentials;
import dev.conveyor.ingest.pulled.service.PullFailedException;
import dev.conveyor.ingest.pulled.service.PulledSourceService;
import dev.conveyor.ingest.pulled.service.SourceReader;
import dev.conveyor.ingest.repository.SourceCatalogueRepository;
import dev.conveyor.ingest.repository.SourceDataRepository;
import dev.conveyor.ingest.service.OutboxRelay;
import dev.conveyor.ingest.service.RowLimits;
import dev.conveyor.ingest.service.TraceContext;
import dev.conveyor.ingest.config.IngestConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Reads JDBC sources, plugged into {@link PulledSourceService}. A pull reads the rows whose
 * incremental column is past the last imported value, in its order, and stores them with their
 * outbox entries and the new last value in one transaction of ours: a pull imports all of its rows
 * or none, and no row twice. The source's row is locked for the pull, so pulls of one source never
 * overlap, on any instance.
 */
@ApplicationScoped
public class JdbcSourceReader
        implements SourceReader<JdbcSourceEntity, JdbcSourceDefinition, JdbcSourceView, JdbcSourceReader.PullResult> {

    private static final int FETCH_SIZE = 1000;
    /** Long pulls (a first import of a big table) run in one transaction: give them time. */
    private static final int PULL_TIMEOUT_SECONDS = 3600;

    /** The outcome of a pull. */
    public record PullResult(String name, long imported, String lastValue) {
    }

    private final JdbcSourceRepository sources;
    private final SourceDataRepository sourceData;
    private final SourceCatalogueRepository catalogue;
    private final OutboxRelay relay;
    private final PulledSourceService pulledSources;
    private final IngestConfig config;
    private final Config settings;

    public JdbcSourceReader(JdbcSourceRepository sources, SourceDataRepository sourceData,
            SourceCatalogueRepository catalogue, OutboxRelay relay, PulledSourceService pulledSources,
            IngestConfig config, Config settings) {
        this.sources = sources;
        this.sourceData = sourceData;
        this.catalogue = catalogue;
        this.relay = relay;
        this.pulledSources = pulledSources;
        this.config = config;
        this.settings = settings;
    }

    public static String sourceConnection(String name) {
        return "jdbc:" + name;
    }

    @Override
    public String kind() {
        return "JDBC";
    }

    @Override
    public JdbcSourceRepository sources() {
        return sources;
    }

    @Override
    public JdbcSourceEntity newSource() {
        return new JdbcSourceEntity();
    }

    /** How far the source has been read is kept, unless the incremental column changes. */
    @Override
    public void apply(String name, JdbcSourceDefinition definition, JdbcSourceEntity entity) {
        JdbcSourceDefinition.Checked checked = definition.check(name);
        if (entity.incrementalColumn != null && !entity.incrementalColumn.equals(checked.incrementalColumn())) {
            // Another column: the last value means nothing for it.
            entity.lastValue = null;
            entity.lastValueType = null;
        }
        entity.jdbcUrl = checked.jdbcUrl();
        entity.credentials = checked.credentials();
        entity.query = checked.query();
        entity.incrementalColumn = checked.incrementalColumn();
        entity.pullEverySeconds = checked.pullEverySeconds();
    }

    @Override
    public JdbcSourceView view(JdbcSourceEntity source) {
        return JdbcSourceView.of(source);
    }

    @Override
    public PullResult pull(String name) {
        return QuarkusTransaction.requiringNew().timeout(PULL_TIMEOUT_SECONDS).call(() -> pullLocked(name));
    }

    @Override
    public String summary(PullResult result) {
        return result.imported() > 0 ? result.imported() + " rows imported" : null;
    }

    @Scheduled(every = "${conveyor.jdbc-sources.scheduler-tick:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "5s")
    void pullDue() {
        pulledSources.pullDue(this);
    }

    private PullResult pullLocked(String name) {
        JdbcSourceEntity source = sources.lock(name).orElseThrow();
        String sourceConnection = sourceConnection(name);
        Properties credentials = credentials(source.credentials);
        String sql = "select * from (" + source.query + ") as conveyor_pull"
                + (source.lastValue == null ? "" : " where " + source.incrementalColumn + " > ?")
                + " order by " + source.incrementalColumn;
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID batchId = UUID.randomUUID();
        long imported = 0;
        String lastValue = source.lastValue;
        String lastType = source.lastValueType;
        Map<String, Long> counts = new TreeMap<>();
        String traceparent = TraceContext.currentTraceparent();
        try (Connection connection = DriverManager.getConnection(source.jdbcUrl, credentials)) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false); // lets PostgreSQL stream with the fetch size
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setFetchSize(FETCH_SIZE);
                if (source.lastValue != null) {
                    bind(statement, source.lastValue, source.lastValueType);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    int incremental = columnIndex(meta, source.incrementalColumn);
                    List<SourceRow> chunk = new ArrayList<>(FETCH_SIZE);
                    while (rs.next()) {
                        Map<String, String> columns = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            columns.put(meta.getColumnLabel(i), rs.getString(i));
                        }
                        String problem = RowLimits.problemWith(columns, config.maxRowBytes());
                        if (problem != null) {
                            throw new PullFailedException("row with " + source.incrementalColumn + " = "
                                    + rs.getString(incremental) + ": " + problem + "; nothing was imported");
                        }
                        lastType = typeOf(meta.getColumnType(incremental), meta.getColumnTypeName(incremental));
                        lastValue = valueOf(rs, incremental, lastType);
                        columns.keySet().forEach(c -> counts.merge(c, 1L, Long::sum));
                        chunk.add(new SourceRow(UUID.randomUUID(), sourceConnection, columns, batchId, createdAt,
                                sourceConnection, imported + 1));
                        imported++;
                        if (chunk.size() == FETCH_SIZE) {
                            sourceData.insertNewWithOutbox(chunk, traceparent);
                            chunk.clear();
                        }
                    }
                    sourceData.insertNewWithOutbox(chunk, traceparent);
                }
            } finally {
                connection.rollback(); // read-only: nothing to keep on their side
            }
        } catch (SQLException e) {
            throw new PullFailedException("the source database refused the pull (SQLState " + e.getSQLState() + "): "
                    + e.getMessage() + "; nothing was imported");
        }
        if (imported > 0) {
            catalogue.add(sourceConnection, imported, counts, createdAt);
            relay.wakeUpAfterCommit();
        }
        source.lastValue = lastValue;
        source.lastValueType = lastType;
        source.lastPulledAt = Instant.now();
        source.lastError = null;
        source.rowsImported += imported;
        return new PullResult(name, imported, lastValue);
    }

    private Properties credentials(String ref) {
        Credentials credentials = Credentials.of(settings, ref, false, "user and password");
        Properties properties = new Properties();
        properties.setProperty("user", credentials.username());
        credentials.password().ifPresent(p -> properties.setProperty("password", p));
        return properties;
    }

    private static int columnIndex(ResultSetMetaData meta, String column) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        throw new PullFailedException("the query has no column '" + column + "' (the incremental column)");
    }

    private static String typeOf(int sqlType, String typeName) {
        // PostgreSQL's driver reports timestamptz as TIMESTAMP: its type name tells them apart.
        if (typeName != null && (typeName.equalsIgnoreCase("timestamptz")
                || typeName.toLowerCase(Locale.ROOT).contains("with time zone"))) {
            return "timestamptz";
        }
        return switch (sqlType) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> "long";
            case Types.NUMERIC, Types.DECIMAL, Types.REAL, Types.DOUBLE, Types.FLOAT -> "decimal";
            case Types.TIMESTAMP -> "timestamp";
            case Types.TIMESTAMP_WITH_TIMEZONE -> "timestamptz";
            case Types.DATE -> "date";
            default -> "text";
        };
    }

    private static String valueOf(ResultSet rs, int column, String type) throws SQLException {
        return switch (type) {
            case "timestamp" -> rs.getObject(column, LocalDateTime.class).toString();
            case "timestamptz" -> rs.getObject(column, OffsetDateTime.class).toString();
            case "date" -> rs.getObject(column, LocalDate.class).toString();
            default -> rs.getString(column);
        };
    }

    private static void bind(PreparedStatement statement, String value, String type) throws SQLException {
        switch (type == null ? "text" : type) {
            case "long" -> statement.setLong(1, Long.parseLong(value));
            case "decimal" -> statement.setBigDecimal(1, new BigDecimal(value));
            case "timestamp" -> statement.setObject(1, LocalDateTime.parse(value));
            case "timestamptz" -> statement.setObject(1, OffsetDateTime.parse(value));
            case "date" -> statement.setObject(1, LocalDate.parse(value));
            default -> statement.setString(1, value);
        }
    }

}
