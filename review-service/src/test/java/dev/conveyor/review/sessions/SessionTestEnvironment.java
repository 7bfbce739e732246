package dev.conveyor.review.sessions;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import dev.conveyor.testing.FakeSupersetServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;

/**
 * What the sessions ITs need beside the broker and the database: a fake Superset registered as
 * environment {@code test}, and a key pair whose public half the service trusts, so tests sign
 * their own bearer tokens.
 */
public class SessionTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final String ENVIRONMENT = "test";
    /** The same fake Superset with a short time-out (2 s) and a small answer limit (64 KiB). */
    public static final String TIGHT = "tight";
    public static final String ISSUER = "https://auth.conveyor.test";
    private static final String SUPERSET_USER = "conveyor-reader";

    private static FakeSupersetServer superset;
    private static KeyPair keys;

    public static synchronized FakeSupersetServer superset() {
        if (superset == null) {
            // the password is made up per run: nothing to keep secret in the repository
            superset = FakeSupersetServer.start(SUPERSET_USER, "pw-" + ProcessHandle.current().pid());
            FakeSupersetServer started = superset;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "fake-superset-stop"));
        }
        return superset;
    }

    static synchronized KeyPair keys() {
        if (keys == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                keys = generator.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return keys;
    }

    /** A bearer token for {@code user}, signed by the trusted issuer. */
    public static String token(String user) {
        return Jwt.issuer(ISSUER).subject(user).upn(user).expiresIn(Duration.ofHours(1)).sign(keys().getPrivate());
    }

    /** Signed by a key the service does not trust. */
    public static String forgedToken(String user) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return Jwt.issuer(ISSUER).subject(user).expiresIn(Duration.ofHours(1))
                    .sign(generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        FakeSupersetServer s = superset();
        return Map.ofEntries(
                Map.entry("conveyor.superset.environments." + TIGHT + ".base-url", s.baseUrl()),
                Map.entry("conveyor.superset.environments." + TIGHT + ".username", SUPERSET_USER),
                Map.entry("conveyor.superset.environments." + TIGHT + ".password", "pw-" + ProcessHandle.current().pid()),
                Map.entry("conveyor.superset.environments." + TIGHT + ".timeout", "2s"),
                Map.entry("conveyor.superset.environments." + TIGHT + ".max-response-size", "64K"),
                Map.entry("conveyor.superset.environments." + ENVIRONMENT + ".base-url", s.baseUrl()),
                Map.entry("conveyor.superset.environments." + ENVIRONMENT + ".username", SUPERSET_USER),
                Map.entry("conveyor.superset.environments." + ENVIRONMENT + ".password",
                        "pw-" + ProcessHandle.current().pid()),
                Map.entry("mp.jwt.verify.publickey", Base64.getEncoder().encodeToString(keys().getPublic().getEncoded())),
                Map.entry("mp.jwt.verify.issuer", ISSUER));
    }

    @Override
    public void stop() {
        // shared across test classes; stopped by the shutdown hook
    }
}
