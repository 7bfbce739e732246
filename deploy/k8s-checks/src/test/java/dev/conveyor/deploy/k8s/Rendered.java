package dev.conveyor.deploy.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** An overlay as {@code kubectl kustomize} renders it: the objects a cluster would receive. */
final class Rendered {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final List<JsonNode> objects;

    private Rendered(String overlay, List<JsonNode> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    /**
     * Renders {@code deploy/k8s/overlays/<overlay>}. Without kubectl the calling check is skipped
     * with a message saying so (an aborted test, never a pass).
     */
    static Rendered overlay(String overlay) {
        return CACHE.computeIfAbsent(overlay, o -> render(Repo.k8s().resolve("overlays").resolve(o), o));
    }

    /** kubectl from the PATH, or the one named by -Dconveyor.kubectl (a path that does not exist: none). */
    static Optional<String> kubectl() {
        String configured = System.getProperty("conveyor.kubectl");
        if (configured != null) {
            return Files.isExecutable(Path.of(configured)) ? Optional.of(configured) : Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    private static Rendered render(Path dir, String overlay) {
        Optional<String> kubectl = kubectl();
        if (kubectl.isEmpty()) {
            String reason = "kubectl is not on the PATH: cannot render deploy/k8s/overlays/" + overlay
                    + "; the manifest checks on it are SKIPPED (install kubectl 1.27+ to run them)";
            System.err.println("WARNING: " + reason);
            Assumptions.abort(reason);
        }
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(kubectl.get(), "kustomize", dir.toString())
                    .redirectError(err.toFile()).start();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60 s");
            }
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "):\n"
                        + stderr);
            }
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                    .readValues(new String(out, StandardCharsets.UTF_8))) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                        objects.add(doc);
                    }
                }
            }
            return new Rendered(overlay, List.copyOf(objects));
        } catch (IOException e) {
            throw new AssertionError("kubectl kustomize " + dir + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    List<JsonNode> kind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return kind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(
                "overlay " + overlay + " renders no " + kind + " " + name));
    }

    /** The Deployment or StatefulSet running a service. */
    JsonNode workload(String service) {
        return find("Deployment", service).or(() -> find("StatefulSet", service)).orElseThrow(
                () -> new AssertionError("overlay " + overlay + " runs no Deployment or StatefulSet " + service));
    }

    /** The data of a ConfigMap, as strings. */
    Map<String, String> configMap(String name) {
        Map<String, String> data = new java.util.LinkedHashMap<>();
        get("ConfigMap", name).path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static String id(JsonNode object) {
        return object.path("kind").asText() + " " + name(object);
    }

    @Override
    public String toString() {
        return overlay;
    }
}
