package dev.conveyor.testing;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Superset's authentication as flask-jwt-extended and Flask-WTF answer it:
 * <ul>
 * <li>{@code POST /api/v1/security/login} ({@code username}, {@code password}, {@code provider},
 * {@code refresh}) → {@code {"access_token", "refresh_token"?}}; 401 {@code {"message": "Not authorized"}};</li>
 * <li>{@code POST /api/v1/security/refresh} with the refresh token as bearer → {@code {"access_token"}};
 * an access token there is 422 {@code {"msg": "Only refresh tokens are allowed"}};</li>
 * <li>access tokens expire after {@link #accessTokenLifetime(Duration)}: 401 {@code {"msg": "Token has expired"}};
 * an unknown token is 422 {@code {"msg": "Signature verification failed"}}, none is 401
 * {@code {"msg": "Missing Authorization Header"}};</li>
 * <li>{@code GET /api/v1/security/csrf_token/} → {@code {"result": token}} and a {@code session} cookie the
 * token is bound to; every other POST/PUT/DELETE needs both ({@code X-CSRFToken}), else 400 as
 * Flask-WTF answers ("The CSRF token is missing.", "The CSRF tokens do not match.").</li>
 * </ul>
 */
public final class FakeSupersetAuth {

    private final String username;
    private final String password;
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Boolean> refreshTokens = new ConcurrentHashMap<>();
    /** session cookie → CSRF token */
    private final Map<String, String> csrfBySession = new ConcurrentHashMap<>();
    private volatile Duration accessTokenLifetime = Duration.ofMinutes(15);

    FakeSupersetAuth(String username, String password) {
        this.username = username;
        this.password = password;
    }

    public void accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
    }

    /** Every access token issued so far expires now (refresh tokens stay valid). */
    public void expireAccessTokens() {
        accessTokens.replaceAll((t, until) -> Instant.EPOCH);
    }

    /** Every refresh token is revoked: a client must log in again. */
    public void revokeRefreshTokens() {
        refreshTokens.clear();
    }

    /**
     * Answers the auth endpoints and refuses what is not authenticated or lacks its CSRF token.
     * Returns true when the request was answered here.
     */
    boolean handle(FakeSupersetExchange ex) throws IOException {
        if (ex.is("POST", "/api/v1/security/login")) {
            login(ex);
            return true;
        }
        String bearer = bearer(ex);
        if (ex.is("POST", "/api/v1/security/refresh")) {
            if (bearer == null) {
                ex.send(401, "{\"msg\":\"Missing Authorization Header\"}");
            } else if (!refreshTokens.containsKey(bearer)) {
                ex.send(accessTokens.containsKey(bearer) ? 422 : 401, accessTokens.containsKey(bearer)
                        ? "{\"msg\":\"Only refresh tokens are allowed\"}" : "{\"msg\":\"Token has been revoked\"}");
            } else {
                ex.send(200, FakeSupersetExchange.JSON.createObjectNode().put("access_token", issueAccess()));
            }
            return true;
        }
        if (bearer == null) {
            ex.send(401, "{\"msg\":\"Missing Authorization Header\"}");
            return true;
        }
        Instant until = accessTokens.get(bearer);
        if (until == null) {
            ex.send(422, "{\"msg\":\"Signature verification failed\"}");
            return true;
        }
        if (!Instant.now().isBefore(until)) {
            ex.send(401, "{\"msg\":\"Token has expired\"}");
            return true;
        }
        if (ex.is("GET", "/api/v1/security/csrf_token/")) {
            String session = cookie(ex, "session");
            if (session == null || !csrfBySession.containsKey(session)) {
                session = UUID.randomUUID().toString();
                csrfBySession.put(session, "fake-csrf-" + UUID.randomUUID());
                ex.setHeader("Set-Cookie", "session=" + session + "; HttpOnly; Path=/; SameSite=Lax");
            }
            ex.send(200, FakeSupersetExchange.JSON.createObjectNode().put("result", csrfBySession.get(session)));
            return true;
        }
        if (List.of("POST", "PUT", "DELETE", "PATCH").contains(ex.method())) {
            String token = ex.header("X-CSRFToken");
            String session = cookie(ex, "session");
            if (token == null) {
                ex.message(400, "400 Bad Request: The CSRF token is missing.");
                return true;
            }
            if (session == null || !csrfBySession.containsKey(session)) {
                ex.message(400, "400 Bad Request: The CSRF session token is missing.");
                return true;
            }
            if (!csrfBySession.get(session).equals(token)) {
                ex.message(400, "400 Bad Request: The CSRF tokens do not match.");
                return true;
            }
        }
        return false;
    }

    private void login(FakeSupersetExchange ex) throws IOException {
        JsonNode req = ex.json();
        if (req == null) {
            ex.message(400, "Request is not JSON");
            return;
        }
        if (!req.hasNonNull("username") || !req.hasNonNull("password") || !req.hasNonNull("provider")) {
            ex.send(400, "{\"message\":{\"provider\":[\"Missing data for required field.\"]}}");
            return;
        }
        if (!username.equals(req.get("username").asText()) || !password.equals(req.get("password").asText())) {
            ex.message(401, "Not authorized");
            return;
        }
        ObjectNode answer = FakeSupersetExchange.JSON.createObjectNode().put("access_token", issueAccess());
        if (req.path("refresh").asBoolean(false)) {
            String refresh = "fake-refresh-" + UUID.randomUUID();
            refreshTokens.put(refresh, true);
            answer.put("refresh_token", refresh);
        }
        ex.send(200, answer);
    }

    private String issueAccess() {
        String access = "fake-access-" + UUID.randomUUID();
        accessTokens.put(access, Instant.now().plus(accessTokenLifetime));
        return access;
    }

    private static String bearer(FakeSupersetExchange ex) {
        String auth = ex.header("Authorization");
        return auth == null || !auth.startsWith("Bearer ") ? null : auth.substring(7).trim();
    }

    private static String cookie(FakeSupersetExchange ex, String name) {
        String header = ex.header("Cookie");
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }
}
