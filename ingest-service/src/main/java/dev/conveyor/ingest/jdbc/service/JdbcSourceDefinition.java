package dev.conveyor.ingest.jdbc.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.pulled.service.PullSchedule;

/**
 * What a user sends to define a JDBC source (snake_case JSON), checked whole: one 400 names every
 * offending field. Credentials are a reference, so no password ever passes through the API.
 */
public record JdbcSourceDefinition(String jdbcUrl, String credentials, String table, String query,
        String incrementalColumn, String pullEvery) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    static final Pattern CREDENTIALS = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    /** A checked definition. */
    public record Checked(String jdbcUrl, String credentials, String query, String incrementalColumn,
            Long pullEverySeconds) {
    }

    public Checked check(String name) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new Problem.FieldError("name", "must match " + NAME.pattern()));
        }
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            errors.add(new Problem.FieldError("jdbc_url", "a JDBC URL is required, e.g. jdbc:postgresql://host:5432/db"));
        } else if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password")) {
            errors.add(new Problem.FieldError("jdbc_url",
                    "must not carry a password: name the credentials with 'credentials' instead"));
        }
        if (credentials == null || !CREDENTIALS.matcher(credentials).matches()) {
            errors.add(new Problem.FieldError("credentials", "a credentials reference matching " + CREDENTIALS.pattern()
                    + " is required (its username and password come from configuration or a Kubernetes Secret)"));
        }
        boolean hasTable = table != null && !table.isBlank();
        boolean hasQuery = query != null && !query.isBlank();
        if (hasTable == hasQuery) {
            errors.add(new Problem.FieldError(hasTable ? "query" : "table", "give either a table or a query"));
        } else if (hasTable && !TABLE.matcher(table).matches()) {
            errors.add(new Problem.FieldError("table", "must be a table name, optionally schema-qualified"));
        }
        if (incrementalColumn == null || !IDENTIFIER.matcher(incrementalColumn).matches()) {
            errors.add(new Problem.FieldError("incremental_column",
                    "a column name is required: rows are imported in its order, each only once"));
        }
        Long seconds = PullSchedule.seconds(pullEvery, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return new Checked(jdbcUrl, credentials, hasTable ? "select * from " + table : query.strip(),
                incrementalColumn, seconds);
    }
}
