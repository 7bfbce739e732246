package dev.conveyor.deploy.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/** The repository the checks run in: the manifests, and the services' sources and configuration. */
final class Repo {

    private Repo() {
    }

    static Path root() {
        String configured = System.getProperty("conveyor.repo.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/k8s/base")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("No repository root with deploy/k8s/base above " + start);
    }

    static Path k8s() {
        return root().resolve("deploy/k8s");
    }

    /** Every overlay directory under deploy/k8s/overlays, by name. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(k8s().resolve("overlays"))) {
            return dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path module(String service) {
        return root().resolve(service);
    }

    /**
     * A service's application.properties, every profile folded onto the plain key: a key set only
     * for a profile ({@code %dev.x}) still names a property the service reads. The plain value wins.
     */
    static Map<String, String> properties(String service) {
        Properties raw = new Properties();
        try (Reader in = Files.newBufferedReader(module(service).resolve("src/main/resources/application.properties"))) {
            raw.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> folded = new LinkedHashMap<>();
        raw.stringPropertyNames().stream().filter(k -> k.startsWith("%")).sorted()
                .forEach(k -> folded.put(k.substring(k.indexOf('.') + 1), raw.getProperty(k)));
        raw.stringPropertyNames().stream().filter(k -> !k.startsWith("%"))
                .forEach(k -> folded.put(k, raw.getProperty(k)));
        return folded;
    }

    /** The plain (no profile) value of a property, with {@code ${ENV:default}} resolved against {@code env}. */
    static String resolved(String service, String key, Map<String, String> env) {
        Map<String, String> props = properties(service);
        String value = props.get(key);
        if (value == null) {
            throw new AssertionError(service + " sets no " + key + " in application.properties");
        }
        return Expressions.resolve(value, name -> env.containsKey(name) ? env.get(name) : props.get(name));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> javaSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
