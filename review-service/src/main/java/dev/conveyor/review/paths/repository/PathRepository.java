package dev.conveyor.review.paths.repository;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.paths.AiStepRequest;
import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathStatus;
import dev.conveyor.review.paths.PathStep;
import dev.conveyor.review.paths.StepMode;
import dev.conveyor.review.paths.StepType;

/**
 * The materialized Paths: paths, path_steps, path_ai_requests. Plain JDBC in the caller's
 * transaction: a write stores what changed between two states of a Path, a rebuild stores whole
 * Paths in batches.
 */
@ApplicationScoped
public class PathRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;

    public PathRepository(DataSource db) {
        this.db = db;
    }

    /** Locks the Path's row for the rest of the transaction and returns its version, if it exists. */
    public OptionalLong lockVersion(String pathId) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select version from paths where path_id = ? for update")) {
            ps.setObject(1, UUID.fromString(pathId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot lock Path " + pathId, e);
        }
    }

    /** The Path's committed version, if it exists (no lock). */
    public OptionalLong version(String pathId) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select version from paths where path_id = ?")) {
            ps.setObject(1, UUID.fromString(pathId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the version of Path " + pathId, e);
        }
    }

    /**
     * A person's append in one statement, its own transaction (autocommit): moves the Path's row
     * from {@code before}'s version to {@code after}'s only if it is still at {@code before}'s
     * (the row lock makes a racing writer wait, then find the version moved), and, only then,
     * inserts the step and the event into the outbox (in the topic's encoding). One round trip
     * and one commit per append, instead of lock, update, two inserts and commit.
     *
     * @return false when the Path was not at {@code before}'s version (or does not exist): nothing written
     */
    public boolean appendAtVersion(AppendRow row) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(APPEND_AT_VERSION)) {
            if (!c.getAutoCommit()) {
                throw new IllegalStateException("appendAtVersion commits on its own: call it outside a transaction");
            }
            bind(ps, row);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot append to Path " + row.after().id(), e);
        }
    }

    /**
     * Appends of several Paths (group commit, {@link GroupCommit}): each the statement of
     * {@link #appendAtVersion(AppendRow)} with its own version check, all in one transaction sent
     * as one JDBC batch (one round trip, one commit). All or nothing: on any error the transaction
     * is rolled back and the exception thrown, so that the caller can try each alone.
     *
     * @return per row, in order, whether it applied (false: that Path was not at its expected version)
     */
    public boolean[] appendAllAtVersion(List<AppendRow> rows) {
        try (Connection c = db.getConnection()) {
            if (!c.getAutoCommit()) {
                throw new IllegalStateException("appendAllAtVersion commits on its own: call it outside a transaction");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(APPEND_AT_VERSION)) {
                for (AppendRow row : rows) {
                    bind(ps, row);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                boolean[] applied = new boolean[rows.size()];
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] < 0) { // SUCCESS_NO_INFO: the outcome of each append must be known
                        throw new SQLException("the driver gave no update count for append " + i);
                    }
                    applied[i] = counts[i] == 1;
                }
                c.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot append to " + rows.size() + " Paths together", e);
        }
    }

    private static void bind(PreparedStatement ps, AppendRow row) throws SQLException {
        ps.setString(1, row.after().status().wire());
        ps.setLong(2, row.after().version());
        // ISO-8601 text cast by PostgreSQL: the driver's timestamp binding formats through a Calendar
        ps.setString(3, row.after().updatedAt().toString());
        ps.setObject(4, UUID.fromString(row.after().id()));
        ps.setLong(5, row.before().version());
        ps.setInt(6, row.step().position());
        ps.setString(7, row.step().step().wire());
        ps.setInt(8, row.step().pathIndex());
        ps.setString(9, row.step().mode().wire());
        ps.setString(10, row.dataJson());
        ps.setLong(11, row.after().version());
        ps.setBytes(12, row.event());
    }

    /**
     * One append as written: the Path before and after, the step, its data as JSON text (the row
     * and the event carry the same text) and the event in the topic's encoding.
     */
    public record AppendRow(Path before, Path after, PathStep step, String dataJson, byte[] event) {
    }

    // the inserts read the update's RETURNING: they happen only when the version matched, after its
    // row lock; the update count (the outbox insert's) is 1 when it applied, 0 when not, so that the
    // statement also runs in a JDBC batch (which takes no result sets)
    private static final String APPEND_AT_VERSION = """
            with head as (
                update paths set status = ?, version = ?, updated_at = ?::timestamptz where path_id = ? and version = ?
                returning path_id),
            step as (
                insert into path_steps (path_id, position, step, path_index, mode, data)
                select path_id, ?::int, ?::text, ?::int, ?::text, ?::text from head)
            insert into path_outbox (aggregate_id, version, event) select path_id, ?::bigint, ?::bytea from head""";

    public Optional<Path> find(String pathId) {
        UUID id = UUID.fromString(pathId);
        try (Connection c = db.getConnection()) {
            Path head;
            try (PreparedStatement ps = c.prepareStatement("select * from paths where path_id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    head = head(rs);
                }
            }
            List<PathStep> steps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select * from path_steps where path_id = ? order by position")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        steps.add(new PathStep(rs.getInt("position"), StepType.fromWire(rs.getString("step")).orElseThrow(),
                                rs.getInt("path_index"), StepMode.fromWire(rs.getString("mode")).orElseThrow(),
                                json(rs.getString("data")), json(rs.getString("ai_original"))));
                    }
                }
            }
            List<AiStepRequest> requests = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select * from path_ai_requests where path_id = ? order by requested_at, request_id")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp finished = rs.getTimestamp("finished_at");
                        int position = rs.getInt("position");
                        Integer at = rs.wasNull() ? null : position;
                        requests.add(new AiStepRequest(rs.getObject("request_id").toString(),
                                rs.getObject("task_id").toString(), StepType.fromWire(rs.getString("step")).orElseThrow(),
                                PathStatus.fromWire(rs.getString("for_status")).orElseThrow(),
                                AiStepRequest.State.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)),
                                rs.getString("reason"), at,
                                rs.getTimestamp("requested_at").toInstant(),
                                finished == null ? null : finished.toInstant()));
                    }
                }
            }
            return Optional.of(new Path(head.id(), head.workflowId(), head.status(), head.version(), steps, requests,
                    head.createdAt(), head.updatedAt()));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read Path " + pathId, e);
        }
    }

    /** A page of Paths (without their steps), filtered by status and workflow when given. */
    public List<Path> page(PathStatus status, String workflowId, int page, int size) {
        StringBuilder sql = new StringBuilder("select * from paths where true");
        List<Object> args = new ArrayList<>();
        filter(status, workflowId, sql, args);
        sql.append(" order by created_at, path_id limit ? offset ?");
        args.add(size);
        args.add((long) page * size);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Path> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(head(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot list Paths", e);
        }
    }

    public long count(PathStatus status, String workflowId) {
        StringBuilder sql = new StringBuilder("select count(*) from paths where true");
        List<Object> args = new ArrayList<>();
        filter(status, workflowId, sql, args);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count Paths", e);
        }
    }

    /** Stores {@code after}, writing only what differs from {@code before} (null: a new Path). */
    public void save(Path before, Path after) {
        try (Connection c = db.getConnection()) {
            if (before == null) {
                insertHeads(c, List.of(after));
            } else {
                try (PreparedStatement ps = c.prepareStatement(
                        "update paths set status = ?, version = ?, updated_at = ? where path_id = ?")) {
                    ps.setString(1, after.status().wire());
                    ps.setLong(2, after.version());
                    ps.setTimestamp(3, Timestamp.from(after.updatedAt()));
                    ps.setObject(4, UUID.fromString(after.id()));
                    ps.executeUpdate();
                }
            }
            List<PathStep> newSteps = new ArrayList<>();
            List<PathStep> changedSteps = new ArrayList<>();
            int known = before == null ? 0 : before.steps().size();
            for (PathStep s : after.steps()) {
                if (s.position() >= known) {
                    newSteps.add(s);
                } else if (!s.equals(before.steps().get(s.position()))) {
                    changedSteps.add(s);
                }
            }
            insertSteps(c, after.id(), newSteps);
            if (!changedSteps.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("update path_steps set mode = ?, data = ?, "
                        + "ai_original = ? where path_id = ? and position = ?")) {
                    for (PathStep s : changedSteps) {
                        ps.setString(1, s.mode().wire());
                        ps.setString(2, s.data().toString());
                        ps.setString(3, s.aiOriginal() == null ? null : s.aiOriginal().toString());
                        ps.setObject(4, UUID.fromString(after.id()));
                        ps.setInt(5, s.position());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            List<AiStepRequest> changedRequests = after.aiRequests().stream()
                    .filter(r -> before == null || !before.aiRequests().contains(r)).toList();
            upsertRequests(c, after.id(), changedRequests);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot store Path " + after.id(), e);
        }
    }

    /**
     * Stores whole Paths (rebuild): heads first, then steps, each streamed with COPY in chunks (a
     * fraction of the cost of row inserts at hundreds of thousands of rows), then AI requests.
     */
    public void insertAll(Collection<Path> paths) {
        try (Connection c = db.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder rows = new StringBuilder(COPY_CHUNK);
            for (Path p : paths) {
                rows.append(p.id()).append('\t').append(p.workflowId()).append('\t');
                copyText(rows, p.status().wire()).append('\t').append(p.version()).append('\t')
                        .append(p.createdAt()).append('\t').append(p.updatedAt()).append('\n');
                rows = flushIfFull(copy, HEAD_COPY, rows);
            }
            flush(copy, HEAD_COPY, rows);
            for (Path p : paths) {
                for (PathStep s : p.steps()) {
                    rows.append(p.id()).append('\t').append(s.position()).append('\t');
                    copyText(rows, s.step().wire()).append('\t').append(s.pathIndex()).append('\t');
                    copyText(rows, s.mode().wire()).append('\t');
                    copyText(rows, s.data().toString()).append('\t');
                    copyText(rows, s.aiOriginal() == null ? null : s.aiOriginal().toString()).append('\n');
                    rows = flushIfFull(copy, STEP_COPY, rows);
                }
            }
            flush(copy, STEP_COPY, rows);
            for (Path p : paths) {
                if (!p.aiRequests().isEmpty()) {
                    upsertRequests(c, p.id(), p.aiRequests());
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot store rebuilt Paths", e);
        }
    }

    private static final int COPY_CHUNK = 4 * 1024 * 1024;
    private static final String HEAD_COPY = "copy paths (path_id, workflow_id, status, version, created_at, updated_at) "
            + "from stdin";
    private static final String STEP_COPY = "copy path_steps (path_id, position, step, path_index, mode, data, "
            + "ai_original) from stdin";

    private static StringBuilder flushIfFull(CopyManager copy, String sql, StringBuilder rows)
            throws SQLException, IOException {
        if (rows.length() >= COPY_CHUNK) {
            flush(copy, sql, rows);
        }
        return rows;
    }

    private static void flush(CopyManager copy, String sql, StringBuilder rows) throws SQLException, IOException {
        if (rows.length() > 0) {
            copy.copyIn(sql, new StringReader(rows.toString()));
            rows.setLength(0);
        }
    }

    /** A value in COPY's text format: backslash, tab and line breaks escaped, null as \N. */
    static StringBuilder copyText(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        int first = 0;
        while (first < value.length() && !needsEscape(value.charAt(first))) {
            first++;
        }
        out.append(value, 0, first); // most values have nothing to escape: one bulk copy
        for (int i = first; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }

    private static boolean needsEscape(char ch) {
        return ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r';
    }

    /** Empties the view (rebuild), holding writers off until the transaction ends. */
    public void deleteAll() {
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            st.execute("lock table research_workflows, paths, path_steps, path_ai_requests in exclusive mode");
            st.execute("truncate path_ai_requests, path_steps, paths, research_workflows");
            // Paths are written before their workflows; the reference is checked at commit
            st.execute("set constraints all deferred");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot empty the Path tables", e);
        }
    }

    private static final String STEP_INSERT = "insert into path_steps (path_id, position, step, path_index, mode, "
            + "data, ai_original) values (?, ?, ?, ?, ?, ?, ?)";

    private static void insertSteps(Connection c, String pathId, List<PathStep> steps) throws SQLException {
        if (steps.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(STEP_INSERT)) {
            for (PathStep s : steps) {
                bindStep(ps, pathId, s);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bindStep(PreparedStatement ps, String pathId, PathStep s) throws SQLException {
        ps.setObject(1, UUID.fromString(pathId));
        ps.setInt(2, s.position());
        ps.setString(3, s.step().wire());
        ps.setInt(4, s.pathIndex());
        ps.setString(5, s.mode().wire());
        ps.setString(6, s.data().toString());
        ps.setString(7, s.aiOriginal() == null ? null : s.aiOriginal().toString());
    }

    private static void insertHeads(Connection c, Collection<Path> paths) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into paths (path_id, workflow_id, status, version, "
                + "created_at, updated_at) values (?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (Path p : paths) {
                ps.setObject(1, UUID.fromString(p.id()));
                ps.setObject(2, UUID.fromString(p.workflowId()));
                ps.setString(3, p.status().wire());
                ps.setLong(4, p.version());
                ps.setTimestamp(5, Timestamp.from(p.createdAt()));
                ps.setTimestamp(6, Timestamp.from(p.updatedAt()));
                ps.addBatch();
                if (++pending % 5_000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void upsertRequests(Connection c, String pathId, List<AiStepRequest> requests) throws SQLException {
        if (requests.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("insert into path_ai_requests (request_id, path_id, task_id, "
                + "step, for_status, state, reason, position, requested_at, finished_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (request_id) do update set state = excluded.state, "
                + "reason = excluded.reason, position = excluded.position, finished_at = excluded.finished_at")) {
            for (AiStepRequest r : requests) {
                ps.setObject(1, UUID.fromString(r.requestId()));
                ps.setObject(2, UUID.fromString(pathId));
                ps.setObject(3, UUID.fromString(r.taskId()));
                ps.setString(4, r.step().wire());
                ps.setString(5, r.forStatus().wire());
                ps.setString(6, r.state().wire());
                ps.setString(7, r.reason());
                if (r.position() == null) {
                    ps.setNull(8, Types.INTEGER);
                } else {
                    ps.setInt(8, r.position());
                }
                ps.setTimestamp(9, Timestamp.from(r.requestedAt()));
                ps.setTimestamp(10, r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void filter(PathStatus status, String workflowId, StringBuilder sql, List<Object> args) {
        if (status != null) {
            sql.append(" and status = ?");
            args.add(status.wire());
        }
        if (workflowId != null) {
            sql.append(" and workflow_id = ?");
            args.add(UUID.fromString(workflowId));
        }
    }

    private static Path head(ResultSet rs) throws SQLException {
        return new Path(rs.getObject("path_id").toString(), rs.getObject("workflow_id").toString(),
                PathStatus.fromWire(rs.getString("status")).orElseThrow(), rs.getLong("version"), List.of(), List.of(),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static ObjectNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable JSON in path_steps", e);
        }
    }
}
