package dev.conveyor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Superset's authentication as flask-jwt-extended and Flask-WTF answer it:
 * <ul>
 * <li>tokens are JWTs as flask-jwt-extended writes them (HS256; claims {@code sub}, {@code type}
 * {@code access}/{@code refresh}, {@code fresh}, {@code jti}, {@code iat}, {@code nbf}, {@code exp}),
 * signed with a key made per fake;</li>
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

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String username;
    private final String password;
    private final byte[] key = new byte[32];
    /** jti → until when an access token is good (exact, where {@code exp} has seconds) */
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    /** jti of refresh tokens not revoked */
    private final Map<String, Boolean> refreshTokens = new ConcurrentHashMap<>();
    /** session cookie → CSRF token */
    private final Map<String, String> csrfBySession = new ConcurrentHashMap<>();
    private volatile Duration accessTokenLifetime = Duration.ofMinutes(15);

    FakeSupersetAuth(String username, String password) {
        this.username = username;
        this.password = password;
        new java.security.SecureRandom().nextBytes(key);
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
        if (bearer == null) {
            ex.send(401, "{\"msg\":\"Missing Authorization Header\"}");
            return true;
        }
        JsonNode claims = verify(bearer);
        if (claims == null) {
            ex.send(422, "{\"msg\":\"Signature verification failed\"}");
            return true;
        }
        String jti = claims.path("jti").asText();
        boolean refresh = "refresh".equals(claims.path("type").asText());
        if (ex.is("POST", "/api/v1/security/refresh")) {
            if (!refresh) {
                ex.send(422, "{\"msg\":\"Only refresh tokens are allowed\"}");
            } else if (!refreshTokens.containsKey(jti)) {
                ex.send(401, "{\"msg\":\"Token has been revoked\"}");
            } else {
                ex.send(200, FakeSupersetExchange.JSON.createObjectNode().put("access_token", issueAccess(false)));
            }
            return true;
        }
        if (refresh) {
            ex.send(422, "{\"msg\":\"Only non-refresh tokens are allowed\"}");
            return true;
        }
        Instant until = accessTokens.get(jti);
        if (until == null || !Instant.now().isBefore(until)) {
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
        ObjectNode answer = FakeSupersetExchange.JSON.createObjectNode().put("access_token", issueAccess(true));
        if (req.path("refresh").asBoolean(false)) {
            String jti = UUID.randomUUID().toString();
            refreshTokens.put(jti, true);
            answer.put("refresh_token", jwt("refresh", jti, false, Instant.now().plus(Duration.ofDays(30))));
        }
        ex.send(200, answer);
    }

    private String issueAccess(boolean fresh) {
        String jti = UUID.randomUUID().toString();
        Instant until = Instant.now().plus(accessTokenLifetime);
        accessTokens.put(jti, until);
        return jwt("access", jti, fresh, until);
    }

    private String jwt(String type, String jti, boolean fresh, Instant exp) {
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = FakeSupersetExchange.JSON.createObjectNode().put("fresh", fresh).put("iat", now)
                .put("jti", jti).put("type", type).put("sub", 1).put("nbf", now)
                .put("exp", (long) Math.ceil(exp.toEpochMilli() / 1000.0));
        String signed = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(hmac(signed));
    }

    /** The token's claims when it is one of this fake's JWTs, else null. */
    private JsonNode verify(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        byte[] expected = hmac(parts[0] + "." + parts[1]);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(expected, given)) {
                return null;
            }
            return FakeSupersetExchange.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    private byte[] hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
