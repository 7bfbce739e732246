package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/** Every overlay renders with {@code kubectl kustomize}, into one namespace, with every service in it. */
class OverlayRenderTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    @Test
    void shouldHaveDevAndProdOverlays() {
        assertThat(overlays()).contains("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldRenderIntoTheConveyorNamespace(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(rendered.objects).isNotEmpty();
        assertThat(rendered.objects)
                .filteredOn(o -> !o.path("kind").asText().equals("Namespace"))
                .allSatisfy(o -> assertThat(o.path("metadata").path("namespace").asText())
                        .as("namespace of %s", Rendered.id(o)).isEqualTo("conveyor"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldNameEveryObjectOnce(String overlay) {
        var counts = Rendered.overlay(overlay).objects.stream()
                .collect(Collectors.groupingBy(Rendered::id, Collectors.counting()));

        assertThat(counts).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldRunEveryDeclaredService(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode workload = rendered.workload(service.name());
            assertThat(rendered.find("Service", service.name())).as("Service %s", service.name()).isPresent();
            assertThat(workload.at("/spec/template/spec/containers/0/image").asText())
                    .as("image of %s", service.name()).matches("conveyor/" + service.name() + ":.+");
        });
    }

    @Test
    void shouldDeclareEveryServiceModuleOfTheBuild() {
        String pom = Repo.read(Repo.root().resolve("pom.xml"));
        List<String> modules = pom.lines().map(String::trim)
                .filter(l -> l.startsWith("<module>") && l.endsWith("-service</module>"))
                .map(l -> l.substring("<module>".length(), l.length() - "</module>".length())).toList();

        assertThat(Declared.SERVICES.stream().map(Declared.Service::name).toList())
                .as("services in Declared.SERVICES (a new service needs manifests and a declaration)")
                .containsExactlyInAnyOrderElementsOf(modules);
    }

}
