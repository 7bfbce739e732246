package dev.conveyor.deploy.k8s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.conveyor.schemas.kafka.TopicSpec;

/**
 * What one Kafka principal (a KafkaUser) does on the cluster: topics it reads, writes or only
 * describes, consumer groups, transactional ids, and whether it is a Kafka Streams application.
 * Groups and application ids are named by the property that holds them, so the check reads the
 * value the service really uses. {@link #acls()} is the exact ACL set its KafkaUser must carry.
 */
final class KafkaUse {

    final String principal;
    /** The service module, or null for a principal that is no service of ours (KEDA). */
    final String service;
    final Set<TopicSpec<?, ?>> reads = new LinkedHashSet<>();
    final Set<TopicSpec<?, ?>> writes = new LinkedHashSet<>();
    final Set<TopicSpec<?, ?>> describes = new LinkedHashSet<>();
    final List<String> groupProperties = new ArrayList<>();
    final List<String[]> describedGroups = new ArrayList<>();
    final List<String> transactionalIdPrefixes = new ArrayList<>();
    /** Properties naming the instance that transactional ids built in code end with. */
    final List<String> transactionalIdInstanceProperties = new ArrayList<>();
    final List<String> groupPrefixes = new ArrayList<>();
    String streamsApplicationIdProperty;

    private KafkaUse(String principal, String service) {
        this.principal = principal;
        this.service = service;
    }

    static KafkaUse service(String service, String principal) {
        return new KafkaUse(principal, service);
    }

    /** A principal that only looks at offsets and lag (KEDA's Kafka scaler). */
    static KafkaUse lagReader(String principal) {
        return new KafkaUse(principal, null);
    }

    KafkaUse reads(TopicSpec<?, ?>... topics) {
        reads.addAll(Arrays.asList(topics));
        return this;
    }

    KafkaUse writes(TopicSpec<?, ?>... topics) {
        writes.addAll(Arrays.asList(topics));
        return this;
    }

    KafkaUse describes(TopicSpec<?, ?>... topics) {
        describes.addAll(Arrays.asList(topics));
        return this;
    }

    /** A consumer group, by the property of this service that names it. */
    KafkaUse groupFrom(String property) {
        groupProperties.add(property);
        return this;
    }

    /** Describe access to another service's group (lag), by that service's property. */
    KafkaUse describesGroupOf(String service, String property) {
        describedGroups.add(new String[] {service, property});
        return this;
    }

    /** Consumer groups named per instance or per run (a fixed prefix and a random tail). */
    KafkaUse groupPrefix(String prefix) {
        groupPrefixes.add(prefix);
        return this;
    }

    KafkaUse transactionalIdPrefix(String prefix) {
        transactionalIdPrefixes.add(prefix);
        return this;
    }

    /**
     * Transactional ids built in code as {@code prefix + <instance>}, the instance named by a
     * property of this service (ingest's outbox relay: {@code conveyor-ingest-<instance-id>}).
     */
    KafkaUse transactionalIds(String prefix, String instanceProperty) {
        transactionalIdPrefixes.add(prefix);
        transactionalIdInstanceProperties.add(instanceProperty);
        return this;
    }

    /**
     * A Kafka Streams application: its group and transactional ids are the application id, its
     * internal topics (repartition, changelog) are prefixed with it.
     */
    KafkaUse kafkaStreams(String applicationIdProperty) {
        streamsApplicationIdProperty = applicationIdProperty;
        return this;
    }

    Set<TopicSpec<?, ?>> topics() {
        Set<TopicSpec<?, ?>> all = new LinkedHashSet<>(reads);
        all.addAll(writes);
        all.addAll(describes);
        return all;
    }

    List<String> groups() {
        List<String> groups = new ArrayList<>();
        for (String property : groupProperties) {
            groups.add(value(service, property));
        }
        if (streamsApplicationIdProperty != null) {
            groups.add(value(service, streamsApplicationIdProperty));
        }
        return groups;
    }

    /** The ACLs, each as {@code type:patternType:name:Operation}. */
    Set<String> acls() {
        Set<String> acls = new TreeSet<>();
        for (TopicSpec<?, ?> topic : topics()) {
            acls.add(acl("topic", "literal", topic.name(), "Describe"));
            if (reads.contains(topic)) {
                acls.add(acl("topic", "literal", topic.name(), "Read"));
            }
            if (writes.contains(topic)) {
                acls.add(acl("topic", "literal", topic.name(), "Write"));
            }
        }
        for (String property : groupProperties) {
            acls.add(acl("group", "literal", value(service, property), "Read"));
        }
        for (String prefix : groupPrefixes) {
            acls.add(acl("group", "prefix", prefix, "Read"));
        }
        for (String[] group : describedGroups) {
            acls.add(acl("group", "literal", value(group[0], group[1]), "Describe"));
        }
        for (String prefix : transactionalIdPrefixes) {
            acls.add(acl("transactionalId", "prefix", prefix, "Describe"));
            acls.add(acl("transactionalId", "prefix", prefix, "Write"));
        }
        if (streamsApplicationIdProperty != null) {
            String applicationId = value(service, streamsApplicationIdProperty);
            acls.add(acl("topic", "prefix", applicationId + "-", "All"));
            acls.add(acl("group", "literal", applicationId, "Read"));
            acls.add(acl("transactionalId", "prefix", applicationId, "Describe"));
            acls.add(acl("transactionalId", "prefix", applicationId, "Write"));
        }
        return acls;
    }

    static String acl(String type, String patternType, String name, String operation) {
        return type + ":" + patternType + ":" + name + ":" + operation;
    }

    private static String value(String service, String property) {
        return Repo.resolved(service, property, Map.of());
    }

    @Override
    public String toString() {
        return principal;
    }
}
