package dev.conveyor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus service started as its own JVM, as in production. Configuration goes in
 * as system properties; secrets go in through the environment only, so that they never show in
 * a process listing.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private volatile Process process;
    private final int port;
    private final Path log;
    private final List<String> command;
    private final Map<String, String> environment;

    private ServiceProcess(String name, Process process, int port, Path log, List<String> command,
            Map<String, String> environment) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.command = command;
        this.environment = environment;
    }

    /** Starts the packaged app of {@code module} under {@code repoRoot}; does not wait for it. */
    public static ServiceProcess launch(Path repoRoot, String module, Map<String, String> properties,
            Map<String, String> environment, Path logDir) {
        return launch(repoRoot, module, module, properties, environment, logDir);
    }

    /** As above, for one of several instances of a module: its log is {@code <name>.log}. */
    public static ServiceProcess launch(Path repoRoot, String module, String name, Map<String, String> properties,
            Map<String, String> environment, Path logDir) {
        Path jar = repoRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No packaged " + module + " at " + jar
                    + ": build it first (./mvnw -DskipTests install)");
        }
        int port = Ports.free();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:TieredStopAtLevel=1");
        // e.g. a benchmark: -Dconveyor.local.jvm-options.review-service="-XX:TieredStopAtLevel=4" (later flags win)
        String extra = System.getProperty("conveyor.local.jvm-options." + module, "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            return new ServiceProcess(name, builder.start(), port, log, List.copyOf(command), Map.copyOf(environment));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + module, e);
        }
    }

    /** kill -9: the process gets no chance to finish anything. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then waits for the exit; true when it exited within the time given. */
    public boolean terminate(Duration timeout) {
        process.destroy();
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the service again after it stopped: same command, same port, the log appended to. */
    public ServiceProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restart " + name, e);
        }
    }

    /** Waits until {@code /q/health/ready} answers 200, or fails with the end of the service's log. */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS); // poll interval, returns early if it dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of the service's log, to explain a failure. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
