package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.repository.RecentSessions;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * How sessions are stored, against the real PostgreSQL: a command writes only the rows it changed,
 * the rows hold exactly what the API answers, a write by another instance is never missed by the
 * cached state, and the migration moves one-document sessions into rows.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionStorageIT {

    static final int WIDE = 4701;
    static final int COLUMNS = 12;
    static final int UNDOCUMENTED = 4;
    static final SessionApi OWNER = new SessionApi("stella");

    @Inject
    EntityManager em;

    @Inject
    RecentSessions recent;

    @Inject
    ReviewSessionRepository repository;

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void dataset() {
        ObjectNode d = FakeSupersetServer.table(WIDE, "wide", "public", "warehouse", "A wide table");
        for (int i = 0; i < COLUMNS; i++) {
            boolean documented = i >= UNDOCUMENTED;
            FakeSupersetServer.column(d, "column_" + i, "VARCHAR", documented ? "Column " + i : null,
                    documented ? "What column " + i + " holds" : null);
        }
        SessionTestEnvironment.superset().dataset(d);
    }

    @Test
    void aFieldEditWritesTheOneFieldRowItChanged() {
        JsonPath s = OWNER.created(WIDE);
        String id = s.getString("session_id");
        assertThat(s.getList("fields")).hasSize(COLUMNS);
        assertThat(s.getList("findings")).hasSize(UNDOCUMENTED);
        Map<Integer, String> fieldsBefore = rowVersions("review_session_fields", id);
        Map<Integer, String> findingsBefore = rowVersions("review_session_findings", id);
        assertThat(fieldsBefore).hasSize(COLUMNS);
        assertThat(findingsBefore).hasSize(UNDOCUMENTED);

        io.restassured.response.Response edit = OWNER.request().body(Map.of("verbose_name", "Renamed é"))
                .patch("/review-sessions/{id}/fields/{f}", id, s.getString("fields[7].field_id"));
        assertThat(edit.statusCode()).isEqualTo(200);
        assertThat(edit.contentType()).startsWith("application/json");
        assertThat(edit.jsonPath().getString("fields[7].verbose_name")).isEqualTo("Renamed é");

        assertThat(changed(fieldsBefore, rowVersions("review_session_fields", id))).containsExactly(7);
        assertThat(changed(findingsBefore, rowVersions("review_session_findings", id))).isEmpty();

        // documenting an undocumented field also resolves its finding: one field row, one finding row
        Map<Integer, String> fieldsMid = rowVersions("review_session_fields", id);
        JsonPath after = OWNER.request().body(Map.of("verbose_name", "Column 2", "description", "What it holds"))
                .patch("/review-sessions/{id}/fields/{f}", id, s.getString("fields[2].field_id")).then()
                .statusCode(200).extract().jsonPath();
        Map<Integer, String> findingsAfter = rowVersions("review_session_findings", id);
        assertThat(changed(fieldsMid, rowVersions("review_session_fields", id))).containsExactly(2);
        assertThat(changed(findingsBefore, findingsAfter)).hasSize(1);
        int resolved = changed(findingsBefore, findingsAfter).get(0);
        assertThat(after.getString("findings[" + resolved + "].resolution_state")).isEqualTo("resolved");
        assertThat(after.getString("findings[" + resolved + "].caused_by_ref"))
                .isEqualTo(s.getString("fields[2].field_id"));
    }

    @Test
    void theRowsHoldExactlyWhatTheApiAnswersAndWhatTheLogFolds() {
        JsonPath s = OWNER.created(WIDE);
        String id = s.getString("session_id");
        OWNER.request().body(Map.of("verbose_name", "A", "description", "B")).patch("/review-sessions/{id}/fields/{f}",
                id, s.getString("fields[0].field_id")).then().statusCode(200);
        OWNER.request().body(Map.of("resolution_state", "skipped", "resolution_note", "not needed"))
                .post("/review-sessions/{id}/findings/{f}/resolution", id, s.getString("findings[1].finding_id"))
                .then().statusCode(200);
        OWNER.request().body(Map.of("role", "reviewer")).put("/review-sessions/{id}/collaborators/{u}", id, "rita")
                .then().statusCode(200);
        OWNER.request().post("/review-sessions/{id}/intake", id).then().statusCode(200); // rewrites the lists
        String answered = OWNER.request().get("/review-sessions/{id}", id).asString();

        recent.forgetAll(); // as a second instance, or after a restart: from the rows alone
        String fromRows = OWNER.request().get("/review-sessions/{id}", id).asString();
        DatasetReviewSession folded = SessionProjector.fold(
                QuarkusTransaction.requiringNew().call(() -> repository.events(id)));

        assertThat(fromRows).isEqualTo(answered);
        assertThat(SessionJson.write(folded)).isEqualTo(answered);
        assertThat(count("review_session_fields", id)).isEqualTo(COLUMNS);
    }

    @Test
    void aWriteByAnotherInstanceIsNeverMissed() {
        JsonPath s = OWNER.created(WIDE);
        String id = s.getString("session_id");
        long v = OWNER.request().body(Map.of("verbose_name", "Here")).patch("/review-sessions/{id}/fields/{f}", id,
                s.getString("fields[5].field_id")).then().statusCode(200).extract().jsonPath().getLong("version");

        // another instance commits the next version: a field row and the session's row (this one's cache holds v)
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    update review_session_fields set entry = jsonb_set(entry, '{verbose_name}', '"From elsewhere"')
                     where session_id = cast(:id as uuid) and position = 6""").setParameter("id", id).executeUpdate();
            em.createNativeQuery("""
                    update review_sessions set version = version + 1,
                           document = jsonb_set(document, '{version}', to_jsonb(version + 1))
                     where session_id = cast(:id as uuid)""").setParameter("id", id).executeUpdate();
        });

        JsonPath after = OWNER.request().header("If-Match", "\"" + (v + 1) + "\"")
                .body(Map.of("verbose_name", "Again")).patch("/review-sessions/{id}/fields/{f}", id,
                        s.getString("fields[5].field_id")).then().statusCode(200).extract().jsonPath();

        assertThat(after.getLong("version")).isEqualTo(v + 2);
        assertThat(after.getString("fields[6].verbose_name")).isEqualTo("From elsewhere");
        assertThat(after.getString("fields[5].verbose_name")).isEqualTo("Again");
        assertThat(OWNER.get(id).getString("fields[6].verbose_name")).isEqualTo("From elsewhere");
    }

    @Test
    void theMigrationMovesOneDocumentSessionsIntoRows() throws Exception {
        String oldDocument = OWNER.request().get("/review-sessions/{id}", OWNER.created(WIDE).getString("session_id"))
                .asString(); // the whole aggregate: what review_sessions.document held before V22
        JsonNode old = SessionJson.parse(oldDocument, JsonNode.class);
        String schema = "migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Flyway at = Flyway.configure().dataSource(dataSource).schemas(schema)
                .locations("filesystem:" + Path.of("src/main/resources/db/migration").toAbsolutePath()).load();
        Flyway.configure().configuration(at.getConfiguration()).target("21").load().migrate();
        try (var c = dataSource.getConnection(); var st = c.prepareStatement("insert into " + schema
                + ".review_sessions (session_id, user_id, version, status, readiness_state, updated_at, document)"
                + " values (?::uuid, 'stella', 3, 'active', 'review_ready', now(), ?::jsonb)")) {
            st.setString(1, old.get("session_id").asText());
            st.setString(2, oldDocument);
            st.executeUpdate();
        }

        Flyway.configure().configuration(at.getConfiguration()).target("22").load().migrate();

        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            var r = st.executeQuery("select cast(s.document as text),"
                    + " (select cast(json_agg(f.entry order by f.position) as text) from " + schema
                    + ".review_session_fields f where f.session_id = s.session_id),"
                    + " (select cast(json_agg(g.entry order by g.position) as text) from " + schema
                    + ".review_session_findings g where g.session_id = s.session_id),"
                    + " (select string_agg(f.field_id, ',' order by f.position) from " + schema
                    + ".review_session_fields f where f.session_id = s.session_id)"
                    + " from " + schema + ".review_sessions s");
            assertThat(r.next()).isTrue();
            ObjectNode rest = (ObjectNode) SessionJson.parse(r.getString(1), JsonNode.class);
            assertThat(rest.has("fields")).isFalse();
            assertThat(rest.has("findings")).isFalse();
            List<String> ids = List.of(r.getString(4).split(","));
            assertThat(ids).hasSize(COLUMNS);
            assertThat(ids.get(3)).isEqualTo(old.get("fields").get(3).get("field_id").asText());
            rest.set("fields", SessionJson.parse(r.getString(2), JsonNode.class));
            rest.set("findings", SessionJson.parse(r.getString(3), JsonNode.class));
            assertThat(rest).isEqualTo(old);
        } finally {
            try (var c = dataSource.getConnection(); var st = c.createStatement()) {
                st.execute("drop schema " + schema + " cascade");
            }
        }
    }

    /** Each row's position and transaction id (xmin): a row a command rewrote has a new one. */
    @SuppressWarnings("unchecked")
    private Map<Integer, String> rowVersions(String table, String sessionId) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select position, cast(xmin as text) from " + table + " where session_id = cast(:id as uuid)"
                        + " order by position").setParameter("id", sessionId).getResultList());
        Map<Integer, String> out = new LinkedHashMap<>();
        rows.forEach(r -> out.put(((Number) r[0]).intValue(), (String) r[1]));
        return out;
    }

    private static List<Integer> changed(Map<Integer, String> before, Map<Integer, String> after) {
        return after.keySet().stream().filter(p -> !after.get(p).equals(before.get(p))).toList();
    }

    private long count(String table, String sessionId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from " + table + " where session_id = cast(:id as uuid)").setParameter("id", sessionId)
                .getSingleResult()).longValue());
    }
}
