package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Each KafkaUser's ACLs are exactly what its service uses: the topics its code refers to (read,
 * written or described as {@link Declared} says), its consumer groups and transactional ids.
 */
class KafkaAclsTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    static List<Declared.Service> services() {
        return Declared.SERVICES;
    }

    @Test
    void shouldHaveEveryTopicUsedBySomeService() {
        Set<String> used = new TreeSet<>();
        Declared.SERVICES.forEach(s -> s.kafka().topics().forEach(t -> used.add(t.name())));

        assertThat(used).as("topics some service declares (Declared.SERVICES); a new topic in Topics needs its users")
                .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(TopicSpec::name).toList());
    }

    @ParameterizedTest
    @MethodSource("services")
    void shouldDeclareExactlyTheTopicsTheServiceRefersTo(Declared.Service service) {
        Set<String> declared = new TreeSet<>();
        service.kafka().topics().forEach(t -> declared.add(t.name()));

        assertThat(declared).as("topics declared for %s vs topics its sources and configuration name", service.name())
                .containsExactlyInAnyOrderElementsOf(topicsReferencedBy(service.name()));
    }

    @ParameterizedTest
    @MethodSource("services")
    void shouldUseTheDeclaredTransactionalIdPrefixes(Declared.Service service) {
        String code = sourcesAndConfiguration(service.name());
        Map<String, String> properties = Repo.properties(service.name());

        // a string literal in the sources ("conveyor-ingest-" + id) or a property value (a channel's transactional.id)
        assertThat(service.kafka().transactionalIdPrefixes).allSatisfy(prefix -> assertThat(
                code.contains("\"" + prefix) || properties.values().stream().anyMatch(v -> v.startsWith(prefix)))
                .as("%s names transactional ids starting %s", service.name(), prefix).isTrue());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldGiveEachServiceExactlyTheAclsItNeeds(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            KafkaUse use = service.kafka();
            JsonNode user = rendered.get("KafkaUser", use.principal);
            assertThat(acls(user)).as("ACLs of KafkaUser %s (%s) in overlay %s", use.principal, service.name(), overlay)
                    .containsExactlyInAnyOrderElementsOf(use.acls());
            assertThat(user.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
            // the service authenticates as that user
            JsonNode container = rendered.workload(service.name()).at("/spec/template/spec/containers/0");
            assertThat(secretOf(container, "KAFKA_SASL_JAAS_CONFIG")).as("JAAS secret of %s", service.name())
                    .isEqualTo(use.principal + "/sasl.jaas.config");
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldHaveNoKafkaUserBeyondTheDeclaredOnes(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        Map<String, KafkaUse> declared = new LinkedHashMap<>();
        Declared.SERVICES.forEach(s -> declared.put(s.kafka().principal, s.kafka()));
        boolean keda = !rendered.kind("ScaledObject").isEmpty();
        if (keda) {
            declared.put(Declared.KEDA.principal, Declared.KEDA);
            assertThat(acls(rendered.get("KafkaUser", Declared.KEDA.principal)))
                    .containsExactlyInAnyOrderElementsOf(Declared.KEDA.acls());
        }

        assertThat(rendered.kind("KafkaUser").stream().map(Rendered::name).toList())
                .containsExactlyInAnyOrderElementsOf(declared.keySet());
    }

    @Test
    void shouldGrantAKafkaStreamsApplicationItsInternalTopicsGroupAndTransactionalIds() {
        Set<String> acls = Declared.service("orchestrator-service").kafka().acls();

        assertThat(acls).contains(
                KafkaUse.acl("topic", "prefix", "conveyor-orchestrator-", "All"),
                KafkaUse.acl("group", "literal", "conveyor-orchestrator", "Read"),
                KafkaUse.acl("transactionalId", "prefix", "conveyor-orchestrator", "Write"),
                KafkaUse.acl("topic", "literal", Topics.LLM_TASKS.name(), "Write"))
                .doesNotContain(KafkaUse.acl("topic", "literal", Topics.LLM_TASKS.name(), "Read"));
    }

    static Set<String> acls(JsonNode user) {
        Set<String> acls = new TreeSet<>();
        for (JsonNode acl : user.at("/spec/authorization/acls")) {
            JsonNode resource = acl.path("resource");
            assertThat(acl.path("type").asText("allow")).isEqualTo("allow");
            for (JsonNode op : acl.path("operations")) {
                acls.add(KafkaUse.acl(resource.path("type").asText(), resource.path("patternType").asText("literal"),
                        resource.path("name").asText(), op.asText()));
            }
        }
        return acls;
    }

    static String secretOf(JsonNode container, String env) {
        for (JsonNode e : container.path("env")) {
            if (env.equals(e.path("name").asText())) {
                JsonNode ref = e.at("/valueFrom/secretKeyRef");
                return ref.path("name").asText() + "/" + ref.path("key").asText();
            }
        }
        return null;
    }

    /**
     * Topics a service's code refers to: {@code Topics.X} constants in its main sources (statically
     * imported too), and topic names in its application.properties (channels, Kafka Streams).
     */
    static Set<String> topicsReferencedBy(String service) {
        Map<String, TopicSpec<?, ?>> constants = topicConstants();
        Set<String> names = new LinkedHashSet<>();
        for (Path file : Repo.javaSources(Repo.module(service).resolve("src/main/java"))) {
            String source = Repo.read(file);
            Matcher qualified = Pattern.compile("\\bTopics\\.([A-Z][A-Z0-9_]*)").matcher(source);
            while (qualified.find()) {
                if (qualified.group(1).equals("ALL")) {
                    Topics.ALL.forEach(t -> names.add(t.name()));
                } else if (constants.containsKey(qualified.group(1))) {
                    names.add(constants.get(qualified.group(1)).name());
                }
            }
            for (Map.Entry<String, TopicSpec<?, ?>> c : constants.entrySet()) {
                boolean imported = source.contains("import static dev.conveyor.schemas.kafka.Topics." + c.getKey() + ";")
                        || source.contains("import static dev.conveyor.schemas.kafka.Topics.*;");
                if (imported && Pattern.compile("(?<![.\\w])" + c.getKey() + "\\b").matcher(
                        source.replaceAll("import static [^;]+;", "")).find()) {
                    names.add(c.getValue().name());
                }
            }
        }
        Set<String> known = new LinkedHashSet<>();
        Topics.ALL.forEach(t -> known.add(t.name()));
        for (String value : Repo.properties(service).values()) {
            for (String part : value.split("[,\\s]+")) {
                if (known.contains(part)) {
                    names.add(part);
                }
            }
        }
        return names;
    }

    static Map<String, TopicSpec<?, ?>> topicConstants() {
        Map<String, TopicSpec<?, ?>> constants = new LinkedHashMap<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && TopicSpec.class.equals(field.getType())) {
                try {
                    constants.put(field.getName(), (TopicSpec<?, ?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return constants;
    }

    private static String sourcesAndConfiguration(String service) {
        List<String> parts = new ArrayList<>();
        Repo.javaSources(Repo.module(service).resolve("src/main/java")).forEach(f -> parts.add(Repo.read(f)));
        parts.add(Repo.read(Repo.module(service).resolve("src/main/resources/application.properties")));
        return String.join("\n", parts);
    }
}
