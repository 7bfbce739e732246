package dev.conveyor.ingest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An S3-compatible server for the test: s3rver 3.7.1 from npm, run with node (installed once into
 * {@code target/s3rver} with npm). Its access key and secret reach the service only as the
 * credentials reference {@code s3rver}. Without node and npm on the PATH the S3 tests are skipped.
 */
public class S3rverResource implements QuarkusTestResourceLifecycleManager {

    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET = "S3RVER";
    private static final String PACKAGE = "s3rver@3.7.1";

    private static volatile String endpoint;
    private static volatile String unavailable;
    private Process server;

    /** The server's URL, or null when it could not be started (see {@link #whyUnavailable()}). */
    public static String endpoint() {
        return endpoint;
    }

    public static String whyUnavailable() {
        return unavailable;
    }

    @Override
    public Map<String, String> start() {
        try {
            Path home = Path.of("target", "s3rver").toAbsolutePath();
            Path script = home.resolve("node_modules/s3rver/bin/s3rver.js");
            if (!Files.exists(script)) {
                run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(), PACKAGE),
                        Duration.ofMinutes(5));
            }
            Path data = Files.createTempDirectory("s3rver-data");
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            server = new ProcessBuilder("node", script.toString(), "-d", data.toString(), "-a", "127.0.0.1",
                    "-p", Integer.toString(port), "--silent")
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("s3rver.log").toFile())
                    .start();
            Instant deadline = Instant.now().plusSeconds(30);
            while (!accepts(port)) {
                if (!server.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("s3rver did not start; see " + home.resolve("s3rver.log"));
                }
                server.waitFor(100, TimeUnit.MILLISECONDS);
            }
            endpoint = "http://127.0.0.1:" + port;
        } catch (IOException e) {
            unavailable = "no S3-compatible server: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable = "interrupted";
        }
        return Map.of(
                "conveyor.credentials.s3rver.username", ACCESS_KEY,
                "conveyor.credentials.s3rver.password", SECRET,
                "conveyor.s3-sources.scheduler-tick", "1s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}
