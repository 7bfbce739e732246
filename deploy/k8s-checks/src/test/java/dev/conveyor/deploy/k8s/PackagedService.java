package dev.conveyor.deploy.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A service as packaged (target/quarkus-app): the extensions it runs with and the runtime
 * configuration they read, from each extension's own configuration model
 * ({@code META-INF/quarkus-config-doc/quarkus-config-model.json}).
 */
final class PackagedService {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final Path lib;

    PackagedService(String name) {
        this.name = name;
        this.lib = Repo.module(name).resolve("target/quarkus-app/lib/main");
        if (!Files.isDirectory(lib)) {
            throw new AssertionError(name + " is not packaged (no " + lib + "): these checks run in `./mvnw verify`"
                    + " after the services' package phase");
        }
    }

    List<String> jars() {
        try (Stream<Path> files = Files.list(lib)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean hasExtension(String artifactId) {
        Pattern jar = Pattern.compile("io\\.(quarkus|quarkiverse\\.[a-z0-9]+)\\." + Pattern.quote(artifactId) + "-\\d.*\\.jar");
        return jars().stream().anyMatch(j -> jar.matcher(j).matches());
    }

    /**
     * Environment variables of every run-time property of the extensions on the class path.
     * Names with a map key ({@code QUARKUS_DATASOURCE__DATASOURCE_NAME__JDBC_URL}) are returned as
     * regular expressions.
     */
    Set<String> runtimeEnvironment() {
        Set<String> names = new TreeSet<>();
        for (String jar : jars()) {
            if (!jar.startsWith("io.quarkus.") && !jar.startsWith("io.quarkiverse.")) {
                continue;
            }
            try (ZipFile zip = new ZipFile(lib.resolve(jar).toFile())) {
                ZipEntry model = zip.getEntry("META-INF/quarkus-config-doc/quarkus-config-model.json");
                if (model == null) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(model)) {
                    collect(JSON.readTree(in), names);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(lib.resolve(jar) + ": " + e.getMessage(), e);
            }
        }
        return names;
    }

    private static void collect(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            if (node.has("phase") && node.path("phase").asText().equals("RUN_TIME") && node.has("path")) {
                add(node.path("path"), names);
                node.path("additionalPaths").forEach(p -> add(p, names));
            }
            node.elements().forEachRemaining(child -> collect(child, names));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collect(child, names));
        }
    }

    private static void add(JsonNode path, Set<String> names) {
        String env = path.path("environmentVariable").asText("");
        if (!env.isEmpty()) {
            names.add(env.contains("__") ? env.replaceAll("__[A-Z0-9_]+?__", "_[A-Z0-9_]+_") : env);
        }
    }

    static boolean matches(Set<String> patterns, String env) {
        return patterns.contains(env) || patterns.stream().anyMatch(p -> p.contains("[") && env.matches(p));
    }
}
