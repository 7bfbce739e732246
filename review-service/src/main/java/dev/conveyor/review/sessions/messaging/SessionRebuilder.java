package dev.conveyor.review.sessions.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionProjector;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.schemas.ReviewSessionEventAppended;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Rebuilds the PostgreSQL view from the topic: reads every partition from its beginning to the end
 * offsets of the moment it started (a bounded replay, not a subscription), keeps one event per
 * (session, seq), folds each session's events in order and replaces the view and the local log in
 * one transaction.
 */
@ApplicationScoped
public class SessionRebuilder {

    private static final Logger LOG = Logger.getLogger(SessionRebuilder.class);

    private final KafkaSettings kafka;
    private final ReviewSessionRepository repository;

    public SessionRebuilder(KafkaSettings kafka, ReviewSessionRepository repository) {
        this.kafka = kafka;
        this.repository = repository;
    }

    /** Returns the number of sessions rebuilt. */
    public int rebuildAll() {
        Map<String, TreeMap<Long, SessionEvent>> bySession = new HashMap<>();
        for (ReviewSessionEventAppended record : readTopic()) {
            SessionEvent e = SessionEventMapper.fromAvro(record);
            bySession.computeIfAbsent(e.sessionId(), k -> new TreeMap<>()).putIfAbsent(e.seq(), e);
        }
        List<DatasetReviewSession> sessions = new ArrayList<>();
        List<SessionEvent> all = new ArrayList<>();
        for (TreeMap<Long, SessionEvent> events : bySession.values()) {
            List<SessionEvent> ordered = new ArrayList<>(events.values());
            sessions.add(SessionProjector.fold(ordered));
            all.addAll(ordered);
        }
        all.sort(Comparator.comparing(SessionEvent::occurredAt));
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            repository.clearAll();
            sessions.forEach(s -> repository.save(s, true, true));
            repository.appendPublished(all, now);
        });
        LOG.infof("Rebuilt %d review sessions from %d events", sessions.size(), all.size());
        return sessions.size();
    }

    private List<ReviewSessionEventAppended> readTopic() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "review-session-rebuild-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ReviewSessionEventAppended> out = new ArrayList<>();
        try (KafkaConsumer<String, ReviewSessionEventAppended> consumer = new KafkaConsumer<>(props,
                Topics.REVIEW_SESSION_EVENTS.keySerde().deserializer(),
                Topics.REVIEW_SESSION_EVENTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.REVIEW_SESSION_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, ReviewSessionEventAppended> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
