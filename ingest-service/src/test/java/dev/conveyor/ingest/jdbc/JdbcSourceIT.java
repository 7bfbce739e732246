package dev.conveyor.ingest.jdbc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.ingest.ShopDatabaseResource;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Pulls from a real PostgreSQL database that is not the service's own. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(value = ShopDatabaseResource.class, restrictToAnnotatedClass = true)
class JdbcSourceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void shouldImportNewRowsOnDemandEachOnlyOnceAndNeverShowThePassword() throws Exception {
        String table = "reviews_" + UUID.randomUUID().toString().replace("-", "");
        shop("create table " + table + " (id bigserial primary key, data_column_1 text, data_column_2 text)",
                "insert into " + table + " (data_column_1, data_column_2) values "
                        + "('I love this movie.', 'The plot was great.'), ('This is boring.', 'It dragged a lot.'),"
                        + "('Amazing performance!', null)");
        String name = "shop-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);

        String definition = given().contentType(ContentType.JSON)
                .body(Map.of("jdbc_url", ShopDatabaseResource.jdbcUrl(), "credentials", "shop", "table", table,
                        "incremental_column", "id"))
                .when().put("/jdbc-sources/{name}", name)
                .then().statusCode(200)
                .body("source_connection", is("jdbc:" + name))
                .body("credentials", is("shop"))
                .extract().asString();
        assertThat(definition).doesNotContain(ShopDatabaseResource.password());
        assertThat(given().when().get("/jdbc-sources/{name}", name).then().extract().asString())
                .doesNotContain(ShopDatabaseResource.password());

        given().when().post("/jdbc-sources/{name}/pull", name)
                .then().statusCode(200).body("imported", is(3)).body("last_value", is("3"));
        given().when().post("/jdbc-sources/{name}/pull", name)
                .then().statusCode(200).body("imported", is(0)).body("last_value", is("3"));

        shop("insert into " + table + " (data_column_1, data_column_2) values ('Best part ever.', 'x'), ('Meh.', 'y')");
        given().when().post("/jdbc-sources/{name}/pull", name)
                .then().statusCode(200).body("imported", is(2)).body("last_value", is("5"));

        String source = "jdbc:" + name;
        given().when().get("/sources/" + source).then().statusCode(200)
                .body("row_count", is(5))
                .body("columns", equalTo(Map.of("id", 5, "data_column_1", 5, "data_column_2", 5)));
        JsonPath rows = given().queryParam("size", 10).when().get("/sources/" + source + "/rows").then()
                .statusCode(200).extract().jsonPath();
        assertThat(rows.getList("items.origin", String.class)).containsOnly(source);
        assertThat(rows.getList("items.columns.id", String.class)).containsExactly("1", "2", "3", "4", "5");
        assertThat(rows.getList("items.columns.data_column_2", String.class)).contains((String) null);
        given().when().get("/jdbc-sources/{name}", name).then()
                .body("rows_imported", is(5)).body("last_pulled_at", notNullValue());

        await().atMost(DEADLINE).until(() -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                .filter(r -> r.value().getSourceConnection().equals(source)).count() == 5);
    }

    @Test
    void shouldPullOnItsScheduleByAQueryAndATimestampColumn() throws Exception {
        String table = "events_" + UUID.randomUUID().toString().replace("-", "");
        shop("create table " + table + " (changed_at timestamptz not null, text text, lang text)",
                "insert into " + table + " values ('2026-01-01T10:00:00Z', 'Great.', 'en'), "
                        + "('2026-01-01T11:00:00Z', 'Schlecht.', 'de'), ('2026-01-01T12:00:00Z', 'Fine.', 'en')");
        String name = "scheduled-" + UUID.randomUUID();

        given().contentType(ContentType.JSON)
                .body(Map.of("jdbc_url", ShopDatabaseResource.jdbcUrl(), "credentials", "shop",
                        "query", "select changed_at, text from " + table + " where lang = 'en'",
                        "incremental_column", "changed_at", "pull_every", "PT1S"))
                .when().put("/jdbc-sources/{name}", name)
                .then().statusCode(200).body("pull_every_seconds", is(1));

        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/jdbc:" + name)
                .then().statusCode(200).body("row_count", is(2)));
        shop("insert into " + table + " values ('2026-01-01T13:00:00Z', 'Later.', 'en')");
        await().atMost(DEADLINE).untilAsserted(() -> given().when().get("/sources/jdbc:" + name)
                .then().statusCode(200).body("row_count", is(3)));
        given().when().get("/jdbc-sources/{name}", name).then().body("rows_imported", is(3));
    }

    @Test
    void shouldAnswerAFailingQueryOrMissingCredentialsWithAClearErrorAndImportNothing() {
        String name = "broken-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("jdbc_url", ShopDatabaseResource.jdbcUrl(), "credentials", "shop",
                        "query", "select id, text from no_such_table", "incremental_column", "id"))
                .when().put("/jdbc-sources/{name}", name).then().statusCode(200);

        given().when().post("/jdbc-sources/{name}/pull", name)
                .then().statusCode(502).contentType("application/problem+json")
                .body("detail", containsString("no_such_table"))
                .body("detail", containsString("nothing was imported"));
        given().when().get("/jdbc-sources/{name}", name).then().body("last_error", containsString("no_such_table"));
        given().when().get("/sources/jdbc:" + name).then().statusCode(404);

        String unknownCredentials = "no-creds-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("jdbc_url", ShopDatabaseResource.jdbcUrl(), "credentials", "nobody",
                        "table", "t", "incremental_column", "id"))
                .when().put("/jdbc-sources/{name}", unknownCredentials).then().statusCode(200);
        given().when().post("/jdbc-sources/{name}/pull", unknownCredentials)
                .then().statusCode(502).body("detail", containsString("CONVEYOR_CREDENTIALS_NOBODY_PASSWORD"));
    }

    @Test
    void shouldRejectADefinitionWithAPasswordInTheUrlOrBothTableAndQuery() {
        given().contentType(ContentType.JSON)
                .body(Map.of("jdbc_url", "jdbc:postgresql://db/shop?password=hunter2", "credentials", "shop",
                        "table", "t", "query", "select 1", "incremental_column", "id", "pull_every", "often"))
                .when().put("/jdbc-sources/{name}", "bad-" + UUID.randomUUID())
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("jdbc_url", "query", "pull_every")));
        given().when().post("/jdbc-sources/{name}/pull", "never-defined").then().statusCode(404);
    }

    private static void shop(String... statements) throws Exception {
        try (Connection c = ShopDatabaseResource.connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
