package dev.conveyor.review.paths.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.conveyor.review.paths.ResearchWorkflow;

/** research_workflows: workflows of protocols, written once, read by id and in pages. */
@ApplicationScoped
public class WorkflowRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;

    public WorkflowRepository(DataSource db) {
        this.db = db;
    }

    public void insertAll(Collection<ResearchWorkflow> workflows) {
        String sql = "insert into research_workflows (workflow_id, name, protocols_info, registered_at) "
                + "values (?, ?, ?, ?) on conflict (workflow_id) do nothing";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (ResearchWorkflow w : workflows) {
                ps.setObject(1, UUID.fromString(w.id()));
                ps.setString(2, w.name());
                ps.setString(3, w.protocolsInfo().toString());
                ps.setTimestamp(4, Timestamp.from(w.registeredAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot store workflows", e);
        }
    }

    public Optional<ResearchWorkflow> find(String workflowId) {
        List<ResearchWorkflow> found = query("select * from research_workflows where workflow_id = ?",
                UUID.fromString(workflowId));
        return found.stream().findFirst();
    }

    public List<ResearchWorkflow> page(int page, int size) {
        return query("select * from research_workflows order by registered_at, workflow_id limit ? offset ?",
                size, (long) page * size);
    }

    public long count() {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from research_workflows");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count workflows", e);
        }
    }

    private List<ResearchWorkflow> query(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<ResearchWorkflow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ResearchWorkflow(rs.getObject("workflow_id").toString(), rs.getString("name"),
                            (ArrayNode) JSON.readTree(rs.getString("protocols_info")),
                            rs.getTimestamp("registered_at").toInstant()));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Cannot read workflows", e);
        }
    }
}
