package dev.conveyor.review.paths.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.review.messaging.OutboxRelay;
import dev.conveyor.review.messaging.OutboxSource;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The Paths' outbox (table path_outbox): a write adds its events in its own transaction, next to the
 * view's change, so the topic gets exactly the events the tables show; {@link OutboxRelay} sends
 * them once the transaction committed and deletes the rows it sent.
 */
@ApplicationScoped
public class PathOutbox implements OutboxSource {

    private final DataSource db;
    private final OutboxRelay relay;
    private final Serializer<PathEvent> serializer = Topics.PATH_EVENTS.valueSerde().serializer();

    public PathOutbox(DataSource db, OutboxRelay relay) {
        this.db = db;
        this.relay = relay;
    }

    /** Adds the event in the caller's transaction; the relay sends it after the commit. */
    public void add(PathEvent event) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into path_outbox (aggregate_id, version, event) values (?, ?, ?)")) {
            ps.setObject(1, UUID.fromString(event.getAggregateId()));
            ps.setLong(2, event.getVersion());
            ps.setBytes(3, encode(event));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot add event " + event.getEventId() + " to the Path outbox", e);
        }
        relay.wakeAfterCommit(this);
    }

    /** The event as the topic holds it (and the outbox stores it): Avro single-object encoding. */
    public byte[] encode(PathEvent event) {
        return serializer.serialize(Topics.PATH_EVENTS.name(), event);
    }

    /**
     * For a write that inserted its event row itself and has committed it (outside a JTA
     * transaction, see PathRepository#appendAtVersion): the relay sends it now.
     */
    public void committed() {
        relay.wakeAfterCommit(this);
    }

    @Override
    public String name() {
        return "paths";
    }

    @Override
    public String topic() {
        return Topics.PATH_EVENTS.name();
    }

    @Override
    public List<OutboxRecord> unpublished(int limit) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select outbox_id, aggregate_id, event from path_outbox order by outbox_id limit ?")) {
            ps.setInt(1, limit);
            List<OutboxRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new OutboxRecord(Long.toString(rs.getLong(1)), rs.getObject(2).toString(), rs.getBytes(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the Path outbox", e);
        }
    }

    @Override
    public void published(List<OutboxRecord> records) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from path_outbox where outbox_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", records.stream().map(r -> Long.valueOf(r.id())).toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot mark Path events published", e);
        }
    }
}
