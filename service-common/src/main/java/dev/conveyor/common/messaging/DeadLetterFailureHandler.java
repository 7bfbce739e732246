package dev.conveyor.common.messaging;

import java.util.concurrent.CancellationException;

import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;

/**
 * The channels' dead-letter failure strategy: a nacked record is written to
 * {@code conveyor.dead-letter} as {@link dev.conveyor.schemas.RecordDeadLettered} with the
 * reason, then acknowledged, so its partition moves on. A record nacked because the service is
 * stopping ({@link CancellationException}) is not a failure: it stays unacknowledged, so its
 * offset is not committed and the next owner of the partition gets it again. A dead letter the
 * broker does not take fails the channel (liveness goes DOWN) rather than dropping the record.
 * Each service registers it as a bean with {@code @Identifier(DeadLetterFailureHandler.STRATEGY)};
 * see {@link Factory}.
 */
public final class DeadLetterFailureHandler implements KafkaFailureHandler {

    /** The value of {@code mp.messaging.incoming.<channel>.failure-strategy}. */
    public static final String STRATEGY = "conveyor-dead-letter";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFailureHandler.class);

    private final String channel;
    private final DeadLetterPublisher publisher;
    private final java.util.function.BiConsumer<Throwable, Boolean> reportFailure;

    public DeadLetterFailureHandler(String channel, DeadLetterPublisher publisher,
            java.util.function.BiConsumer<Throwable, Boolean> reportFailure) {
        this.channel = channel;
        this.publisher = publisher;
        this.reportFailure = reportFailure;
    }

    @Override
    public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
        if (isCancellation(reason)) {
            LOG.debug("{}: {}-{}@{} left for redelivery: {}", channel, record.getTopic(), record.getPartition(),
                    record.getOffset(), reason.getMessage());
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(() -> publisher.send(record, reasonOf(reason)))
                .onFailure().invoke(e -> reportFailure.accept(new IllegalStateException("could not dead-letter "
                        + record.getTopic() + "-" + record.getPartition() + "@" + record.getOffset(), e), true))
                .emitOn(record::runOnMessageContext)
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(record::ack));
    }

    static boolean isCancellation(Throwable reason) {
        for (Throwable t = reason; t != null; t = t.getCause()) {
            // RejectedExecutionException: the worker pool is shutting down with the application
            if (t instanceof CancellationException || t instanceof InterruptedException
                    || t instanceof java.util.concurrent.RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    static String reasonOf(Throwable reason) {
        String message = reason.getMessage();
        return message == null || message.isBlank() ? reason.getClass().getSimpleName() : message;
    }

    /** Creates the handler per channel; a service's bean extends this and names the strategy. */
    public abstract static class Factory implements KafkaFailureHandler.Factory {

        /** The publisher writing through the service's {@code dead-letter} channel. */
        protected abstract DeadLetterPublisher publisher();

        @Override
        public KafkaFailureHandler create(io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration config,
                io.vertx.mutiny.core.Vertx vertx, io.smallrye.reactive.messaging.kafka.KafkaConsumer<?, ?> consumer,
                java.util.function.BiConsumer<Throwable, Boolean> reportFailure) {
            return new DeadLetterFailureHandler(config.getChannel(), publisher(), reportFailure);
        }
    }
}
