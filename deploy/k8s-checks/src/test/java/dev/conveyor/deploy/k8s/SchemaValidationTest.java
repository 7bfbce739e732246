package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/** Every rendered object validates against the Kubernetes API model or its custom resource's schema. */
class SchemaValidationTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldValidateEveryRenderedObject(String overlay) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : Rendered.overlay(overlay).objects) {
            problems.addAll(ObjectValidator.problems(object));
        }

        assertThat(problems).as("schema problems in overlay %s", overlay).isEmpty();
    }

    @Test
    void shouldReportAFieldTheKubernetesApiDoesNotHave() throws Exception {
        JsonNode deployment = yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: x
                          readinessProbe: {httpGet: {paht: /q/health/ready, port: 8080}}
                """);

        assertThat(ObjectValidator.problems(deployment)).containsExactlyInAnyOrder(
                "Deployment x: unknown field .spec.replica",
                "Deployment x: unknown field .spec.template.spec.containers[0].readinessProbe.httpGet.paht");
    }

    @Test
    void shouldReportAWrongTypeInAKubernetesObject() throws Exception {
        JsonNode service = yaml("""
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                spec:
                  ports: [{port: eighty}]
                """);

        assertThat(ObjectValidator.problems(service)).singleElement().asString().startsWith("Service x: ");
    }

    @Test
    void shouldReportCustomResourceFieldsTheCrdRejects() throws Exception {
        JsonNode topic = yaml("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t, labels: {strimzi.io/cluster: c}}
                spec: {partitions: 0, replicas: 1, retention: 7d}
                """);
        JsonNode user = yaml("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: u, labels: {strimzi.io/cluster: c}}
                spec:
                  authorization:
                    type: simple
                    acls: [{resource: {type: topic, name: t}, operations: [Consume]}]
                """);

        assertThat(ObjectValidator.problems(topic)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("partitions"))
                .anySatisfy(p -> assertThat(p).contains("retention"));
        assertThat(ObjectValidator.problems(user)).singleElement().asString().contains("operations");
    }

    @Test
    void shouldRefuseAKindItHasNoSchemaFor() throws Exception {
        JsonNode unknown = yaml("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                """);

        assertThat(ObjectValidator.problems(unknown)).singleElement().asString()
                .contains("no schema for example.com/v1/Widget");
    }

    private static JsonNode yaml(String text) throws Exception {
        return Rendered.YAML.readTree(text);
    }
}
