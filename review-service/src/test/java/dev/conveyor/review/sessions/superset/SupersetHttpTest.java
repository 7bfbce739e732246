package dev.conveyor.review.sessions.superset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.conveyor.review.sessions.config.SupersetConfig;
import dev.conveyor.testing.FakeSupersetServer;
import io.quarkus.runtime.configuration.MemorySize;

/** The HTTP layer against the fake Superset: login, refresh, CSRF, time-out, size cap, redirects. */
class SupersetHttpTest {

    static FakeSupersetServer superset;
    static SupersetHttp http;

    @BeforeAll
    static void start() {
        password = "secret-" + System.nanoTime();
        superset = FakeSupersetServer.start("reader", password);
        superset.dataset(FakeSupersetServer.table(1, "orders", "sales", "warehouse", "Orders"));
        http = new SupersetHttp(config(superset.baseUrl()));
    }

    private static String password;

    @AfterAll
    static void stop() {
        superset.close();
    }

    @AfterEach
    void heal() {
        superset.faults().healAll();
        superset.auth().accessTokenLifetime(Duration.ofMinutes(15));
    }

    @Test
    void logsInOnceAndReadsWithTheSameLogin() {
        int before = count("POST /api/v1/security/login");
        assertThat(http.get("env", "/api/v1/dataset/1", "dataset").at("/result/table_name").asText()).isEqualTo("orders");
        assertThat(http.get("env", "/api/v1/dataset/1", "dataset").at("/result/table_name").asText()).isEqualTo("orders");
        assertThat(count("POST /api/v1/security/login") - before).isLessThanOrEqualTo(1);
    }

    @Test
    void anExpiredAccessTokenIsRefreshed() {
        http.get("env", "/api/v1/dataset/1", "dataset");
        superset.auth().expireAccessTokens();
        int refreshes = count("POST /api/v1/security/refresh");
        int logins = count("POST /api/v1/security/login");
        assertThat(http.get("env", "/api/v1/dataset/1", "dataset").at("/result/id").asInt()).isEqualTo(1);
        assertThat(count("POST /api/v1/security/refresh")).isEqualTo(refreshes + 1);
        assertThat(count("POST /api/v1/security/login")).isEqualTo(logins);
    }

    @Test
    void aRefusedRefreshTokenMeansANewLogin() {
        http.get("env", "/api/v1/dataset/1", "dataset");
        superset.auth().expireAccessTokens();
        superset.auth().revokeRefreshTokens();
        int logins = count("POST /api/v1/security/login");
        assertThat(http.get("env", "/api/v1/dataset/1", "dataset").at("/result/id").asInt()).isEqualTo(1);
        assertThat(count("POST /api/v1/security/login")).isEqualTo(logins + 1);
    }

    @Test
    void writesCarryTheCsrfTokenAndTheSessionCookie() throws Exception {
        // the fake answers 404 for a path it does not know only once the CSRF check passed
        SupersetHttp.Answer a = http.send("env", "POST", "/api/v1/unknown/", JsonNodeFactory.instance.objectNode(),
                "write");
        assertThat(a.status()).isEqualTo(404);
        // without the token, Superset (Flask-WTF) refuses the write
        HttpClient raw = HttpClient.newHttpClient();
        String login = raw.send(HttpRequest.newBuilder(URI.create(superset.baseUrl() + "/api/v1/security/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"reader\",\"password\":\"" + password + "\",\"provider\":\"db\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String access = login.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> refused = raw.send(HttpRequest.newBuilder(URI.create(superset.baseUrl() + "/api/v1/unknown/"))
                .header("Authorization", "Bearer " + access).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("CSRF token is missing");
    }

    @Test
    void aSlowAnswerIsATimeOut() {
        // logged in first (the machine may be slow): the time-out under test is the dataset call's
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> http.get("tight", "/api/v1/dataset/1", "dataset").has("result"));
        superset.faults().slow("/api/v1/dataset/1", Duration.ofSeconds(5));
        long start = System.nanoTime();
        assertThatThrownBy(() -> http.get("tight", "/api/v1/dataset/1", "dataset"))
                .isInstanceOfSatisfying(SupersetCallException.class,
                        e -> assertThat(e.failure()).isEqualTo(SupersetCallException.Failure.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4900));
    }

    @Test
    void anOversizedAnswerIsCutOff() {
        superset.faults().oversized("/api/v1/dataset/1", 1_000_000);
        assertThatThrownBy(() -> http.get("env", "/api/v1/dataset/1", "dataset"))
                .isInstanceOfSatisfying(SupersetCallException.class,
                        e -> assertThat(e.failure()).isEqualTo(SupersetCallException.Failure.TOO_LARGE));
    }

    @Test
    void aRedirectIsNotFollowed() {
        superset.faults().redirect("/api/v1/dataset/1", "http://169.254.169.254/latest/meta-data/");
        assertThatThrownBy(() -> http.get("env", "/api/v1/dataset/1", "dataset"))
                .isInstanceOfSatisfying(SupersetCallException.class, e -> {
                    assertThat(e.failure()).isEqualTo(SupersetCallException.Failure.REDIRECT);
                    assertThat(e.status()).isEqualTo(302);
                });
    }

    @Test
    void errorsKeepTheirStatus() {
        superset.faults().fail("/api/v1/dataset/1", 403);
        assertThatThrownBy(() -> http.get("env", "/api/v1/dataset/1", "dataset"))
                .isInstanceOfSatisfying(SupersetCallException.class, e -> {
                    assertThat(e.failure()).isEqualTo(SupersetCallException.Failure.REFUSED);
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).doesNotContain(password).doesNotContain("eyJ");
                });
    }

    private static int count(String request) {
        return (int) superset.requests().stream().filter(request::equals).count();
    }

    static SupersetConfig config(String baseUrl) {
        return new SupersetConfig() {
            @Override
            public Map<String, Environment> environments() {
                return Map.of("env", environment(baseUrl, Duration.ofSeconds(10)), "tight",
                        environment(baseUrl, Duration.ofMillis(1500)));
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public MemorySize maxResponseSize() {
                return new MemorySize(java.math.BigInteger.valueOf(5 * 1024 * 1024));
            }
        };
    }

    static SupersetConfig.Environment environment(String baseUrl, Duration timeout) {
                return new SupersetConfig.Environment() {
                    @Override
                    public URI baseUrl() {
                        return URI.create(baseUrl);
                    }

                    @Override
                    public String username() {
                        return "reader";
                    }

                    @Override
                    public String password() {
                        return password;
                    }

                    @Override
                    public String provider() {
                        return "db";
                    }

                    @Override
                    public Optional<Duration> timeout() {
                        return Optional.of(timeout);
                    }

                    @Override
                    public Optional<MemorySize> maxResponseSize() {
                        return Optional.of(new MemorySize(java.math.BigInteger.valueOf(64 * 1024)));
                    }
                };
    }
}
