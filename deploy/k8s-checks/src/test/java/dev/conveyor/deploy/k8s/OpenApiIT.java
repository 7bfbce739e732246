package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Each service's OpenAPI document (written at build time to target/openapi, the same document
 * /q/openapi serves) lists exactly the endpoints its JAX-RS resources declare, and Swagger UI is
 * packaged in every build, production included.
 */
class OpenApiIT {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    static List<String> services() {
        return Declared.SERVICES.stream().map(Declared.Service::name).toList();
    }

    @ParameterizedTest
    @MethodSource("services")
    void shouldDocumentExactlyTheResourcesEndpoints(String service) throws Exception {
        Path document = Repo.module(service).resolve("target/openapi/openapi.yaml");
        assertThat(document).as("OpenAPI document of %s (quarkus.smallrye-openapi.store-schema-directory)", service).exists();

        assertThat(documented(Rendered.YAML.readTree(document.toFile())))
                .as("operations in %s's OpenAPI document vs its @Path resources", service)
                .isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(declared(Repo.module(service).resolve("src/main/java")));
    }

    @ParameterizedTest
    @MethodSource("services")
    void shouldPackageSwaggerUi(String service) {
        PackagedService packaged = new PackagedService(service);

        assertThat(packaged.hasExtension("quarkus-smallrye-openapi")).isTrue();
        assertThat(packaged.hasExtension("quarkus-swagger-ui")).isTrue();
        assertThat(Repo.properties(service)).containsEntry("quarkus.swagger-ui.always-include", "true");
    }

    @Test
    void shouldReadPathTemplatesAsOpenApiWritesThem() {
        assertThat(join("/sources", "/{source: .+}/rows")).isEqualTo("/sources/{source}/rows");
        assertThat(join("/", "runs/{runId}/totals")).isEqualTo("/runs/{runId}/totals");
        assertThat(join("/worker/stats", null)).isEqualTo("/worker/stats");
    }

    static Set<String> documented(JsonNode openapi) {
        Set<String> operations = new TreeSet<>();
        Iterator<String> paths = openapi.path("paths").fieldNames();
        while (paths.hasNext()) {
            String path = paths.next();
            openapi.path("paths").path(path).fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method.toUpperCase())) {
                    operations.add(method.toUpperCase() + " " + path);
                }
            });
        }
        return operations;
    }

    /** {@code METHOD /path} of every resource method in the sources: class @Path joined with method @Path. */
    static Set<String> declared(Path sources) {
        Set<String> operations = new TreeSet<>();
        Pattern annotation = Pattern.compile(
                "^\\s*@(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\\b|^\\s*@(?:jakarta\\.ws\\.rs\\.)?Path\\(\"([^\"]*)\"\\)");
        for (Path file : Repo.javaSources(sources)) {
            String source = Repo.read(file);
            if (source.contains("@RegisterRestClient")) {
                continue; // a client of another service's API, not an endpoint of this one
            }
            List<String> lines = source.lines().toList();
            String classPath = null;
            String method = null;
            String methodPath = null;
            for (String line : lines) {
                Matcher m = annotation.matcher(line);
                if (m.find()) {
                    if (m.group(1) != null) {
                        method = m.group(1);
                    } else if (classPath == null && method == null) {
                        classPath = m.group(2);
                    } else {
                        methodPath = m.group(2);
                    }
                    continue;
                }
                if (classPath != null && method != null && line.matches("\\s*(public|protected)?\\s*[\\w<>,.\\[\\]\\s?]+\\s+\\w+\\(.*")) {
                    operations.add(method + " " + join(classPath, methodPath));
                    method = null;
                    methodPath = null;
                }
            }
        }
        return operations;
    }

    static String join(String classPath, String methodPath) {
        String joined = "/" + classPath + (methodPath == null ? "" : "/" + methodPath);
        joined = joined.replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

}
