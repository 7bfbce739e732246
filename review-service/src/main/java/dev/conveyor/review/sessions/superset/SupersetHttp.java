package dev.conveyor.review.sessions.superset;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.config.SupersetConfig;

/**
 * The one way to call a configured Superset environment. Per environment it keeps a login: a JWT
 * access token and its refresh token ({@code POST /api/v1/security/login} with {@code refresh: true}),
 * and a CSRF token with the {@code session} cookie it is bound to ({@code GET /api/v1/security/csrf_token/}),
 * sent on every write as Superset's CSRF protection asks. An answer of 401 (the access token
 * expired) is met by {@code POST /api/v1/security/refresh}, or a new login when the refresh token is
 * refused too, and the call is made once more; a write refused for its CSRF token fetches a new
 * one and is made once more.
 * <p>
 * Every call has the environment's time-out (whole answer, body included) and size limit (the
 * body is read up to the limit, then the call is cut off); redirects are never followed (a 3xx is
 * an error, so a link cannot lead the service elsewhere). Failures are {@link SupersetCallException}s.
 * Tokens and the password are never logged.
 */
@ApplicationScoped
public class SupersetHttp {

    private static final Logger LOG = Logger.getLogger(SupersetHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer of any status but 401 (handled here) and 3xx (refused). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private final SupersetConfig config;
    private final HttpClient http;
    private final Map<String, Login> logins = new ConcurrentHashMap<>();

    public SupersetHttp(SupersetConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public boolean knows(String environmentId) {
        return environmentId != null && config.environments().containsKey(environmentId);
    }

    /** The environment's base URL, as configured. */
    public URI baseUrl(String environmentId) {
        return environment(environmentId).baseUrl();
    }

    /** GET a JSON document; any status but 2xx is a {@link SupersetCallException} ({@code REFUSED}). */
    public JsonNode get(String environmentId, String pathAndQuery, String what) {
        return require(send(environmentId, "GET", pathAndQuery, null, what), what);
    }

    /** POST a JSON document (with the CSRF token); any status but 2xx is a {@link SupersetCallException}. */
    public JsonNode post(String environmentId, String path, JsonNode body, String what) {
        return require(send(environmentId, "POST", path, body, what), what);
    }

    /**
     * Any call, authenticated, answered with its status: for callers that read error answers
     * themselves (e.g. SQL Lab's 202 or its error payloads). Time-outs, oversized answers,
     * redirects and unreachable hosts still throw.
     */
    public Answer send(String environmentId, String method, String pathAndQuery, JsonNode body, String what) {
        SupersetConfig.Environment env = environment(environmentId);
        Login login = login(environmentId, env, false);
        Answer a = exchange(env, method, pathAndQuery, body, login, what);
        if (a.status() == 401) {
            login = reauthenticate(environmentId, env, login);
            a = exchange(env, method, pathAndQuery, body, login, what);
        } else if (a.status() == 400 && !method.equals("GET") && mentionsCsrf(a.body())) {
            login = newCsrf(environmentId, env, login);
            a = exchange(env, method, pathAndQuery, body, login, what);
        }
        if (a.status() == 401) {
            throw new SupersetCallException(SupersetCallException.Failure.REFUSED, "Superset answered 401 to the "
                    + what + " request after a new login", 401, null);
        }
        return a;
    }

    private static JsonNode require(Answer a, String what) {
        if (!a.ok()) {
            throw new SupersetCallException(SupersetCallException.Failure.REFUSED, "Superset answered " + a.status()
                    + " to the " + what + " request" + detail(a.body()), a.status(), null);
        }
        return a.body();
    }

    /** The state of one environment's login; replaced whole, never changed in place. */
    private record Login(String access, String refresh, String csrf, String cookie) {
    }

    private Login login(String environmentId, SupersetConfig.Environment env, boolean fresh) {
        if (!fresh) {
            Login known = logins.get(environmentId);
            if (known != null) {
                return known;
            }
        }
        synchronized (this) {
            Login known = logins.get(environmentId);
            if (!fresh && known != null) {
                return known;
            }
            ObjectNode body = JSON.createObjectNode().put("username", env.username()).put("password", env.password())
                    .put("provider", env.provider()).put("refresh", true);
            RawAnswer a = raw(env, "POST", "/api/v1/security/login", body, null, "login");
            if (!a.ok() || !a.body().hasNonNull("access_token")) {
                throw new SupersetCallException(SupersetCallException.Failure.REFUSED, "Superset refused the login ("
                        + a.status() + ")" + detail(a.body()), a.ok() ? 502 : a.status(), null);
            }
            Login l = withCsrf(env, new Login(a.body().get("access_token").asText(),
                    text(a.body(), "refresh_token"), null, null));
            logins.put(environmentId, l);
            LOG.debugf("logged in to Superset environment %s", environmentId);
            return l;
        }
    }

    private synchronized Login reauthenticate(String environmentId, SupersetConfig.Environment env, Login stale) {
        Login current = logins.get(environmentId);
        if (current != null && current != stale) {
            return current; // another call renewed it meanwhile
        }
        if (stale.refresh() != null) {
            RawAnswer a = raw(env, "POST", "/api/v1/security/refresh", null,
                    new Login(stale.refresh(), null, null, null), "token refresh");
            if (a.ok() && a.body().hasNonNull("access_token")) {
                Login renewed = new Login(a.body().get("access_token").asText(), stale.refresh(), stale.csrf(),
                        stale.cookie());
                logins.put(environmentId, renewed);
                LOG.debugf("refreshed the Superset access token of environment %s", environmentId);
                return renewed;
            }
        }
        return login(environmentId, env, true);
    }

    private synchronized Login newCsrf(String environmentId, SupersetConfig.Environment env, Login stale) {
        Login renewed = withCsrf(env, new Login(stale.access(), stale.refresh(), null, null));
        logins.put(environmentId, renewed);
        return renewed;
    }

    private Login withCsrf(SupersetConfig.Environment env, Login l) {
        RawAnswer a = raw(env, "GET", "/api/v1/security/csrf_token/", null, l, "csrf token");
        if (!a.ok() || !a.body().hasNonNull("result")) {
            throw new SupersetCallException(SupersetCallException.Failure.REFUSED, "Superset answered " + a.status()
                    + " to the csrf token request" + detail(a.body()), a.status(), null);
        }
        return new Login(l.access(), l.refresh(), a.body().get("result").asText(),
                a.cookie() != null ? a.cookie() : l.cookie());
    }

    private Answer exchange(SupersetConfig.Environment env, String method, String pathAndQuery, JsonNode body,
            Login login, String what) {
        RawAnswer a = raw(env, method, pathAndQuery, body, login, what);
        return new Answer(a.status(), a.body());
    }

    /** An answer with the session cookie Superset set, if any. */
    private record RawAnswer(int status, JsonNode body, String cookie) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private RawAnswer raw(SupersetConfig.Environment env, String method, String pathAndQuery, JsonNode body,
            Login login, String what) {
        Duration timeout = env.timeout().orElse(config.timeout());
        long limit = env.maxResponseSize().orElse(config.maxResponseSize()).asLongValue();
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(env, pathAndQuery)).timeout(timeout)
                .header("Accept", "application/json");
        if (login != null) {
            b.header("Authorization", "Bearer " + login.access());
            if (login.csrf() != null && !method.equals("GET")) {
                b.header("X-CSRFToken", login.csrf());
            }
            if (login.cookie() != null) {
                b.header("Cookie", login.cookie());
                b.header("Referer", env.baseUrl().toString());
            }
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(""));
        }
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(b.build(), info -> new CappedBody(limit));
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new SupersetCallException(SupersetCallException.Failure.TIMEOUT, "Superset did not answer the "
                    + what + " request within " + timeout.toMillis() + " ms", 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new SupersetCallException(SupersetCallException.Failure.UNREACHABLE, "interrupted while calling "
                    + "Superset (" + what + ")", 0, e);
        } catch (ExecutionException e) {
            throw failed(e.getCause(), what, timeout, limit);
        }
        int status = response.statusCode();
        if (status / 100 == 3) {
            throw new SupersetCallException(SupersetCallException.Failure.REDIRECT, "Superset answered " + status
                    + " to the " + what + " request (to " + response.headers().firstValue("Location").orElse("?")
                    + "); redirects are not followed", status, null);
        }
        String cookie = response.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0].trim())
                .filter(c -> c.startsWith("session=")).findFirst().orElse(null);
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            if (status / 100 != 2) {
                json = JSON.createObjectNode(); // an error page: the status says enough
            } else {
                throw new SupersetCallException(SupersetCallException.Failure.NOT_JSON, "Superset's answer to the "
                        + what + " request is not JSON", status, e);
            }
        }
        return new RawAnswer(status, json, cookie);
    }

    private static SupersetCallException failed(Throwable cause, String what, Duration timeout, long limit) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof TooLarge) {
                cause = c;
                break;
            }
        }
        if (cause instanceof TooLarge) {
            return new SupersetCallException(SupersetCallException.Failure.TOO_LARGE, "Superset's answer to the "
                    + what + " request is larger than the limit of " + limit + " bytes; it was not read", 0, cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new SupersetCallException(SupersetCallException.Failure.TIMEOUT, "Superset did not answer the "
                    + what + " request within " + timeout.toMillis() + " ms", 0, cause);
        }
        String kind = cause instanceof ConnectException ? "could not be reached" : "did not answer";
        return new SupersetCallException(SupersetCallException.Failure.UNREACHABLE, "Superset " + kind + " for the "
                + what + " request: " + cause, 0, cause);
    }

    private SupersetConfig.Environment environment(String environmentId) {
        SupersetConfig.Environment env = environmentId == null ? null : config.environments().get(environmentId);
        if (env == null) {
            throw new IllegalArgumentException("no configured Superset environment '" + environmentId + "'");
        }
        return env;
    }

    private static URI resolve(SupersetConfig.Environment env, String pathAndQuery) {
        String base = env.baseUrl().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
    }

    private static boolean mentionsCsrf(JsonNode body) {
        return body != null && body.toString().contains("CSRF");
    }

    private static String detail(JsonNode body) {
        if (body == null) {
            return "";
        }
        JsonNode m = body.has("message") ? body.get("message") : body.get("msg");
        if (m == null || m.isNull()) {
            return "";
        }
        String s = m.isTextual() ? m.asText() : m.toString();
        return ": " + (s.length() > 300 ? s.substring(0, 300) + "…" : s);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The answer's body, read up to a limit: past it, reading stops and the call fails. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final long limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(long limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (buffer.size() + (long) b.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                buffer.write(bytes, 0, bytes.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("answer too large");
        }
    }
}
