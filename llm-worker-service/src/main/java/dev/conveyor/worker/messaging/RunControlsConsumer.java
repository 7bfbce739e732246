package dev.conveyor.worker.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.RunHalted;
import dev.conveyor.worker.service.HaltedRuns;

/**
 * Every worker reads all of {@code conveyor.run-controls} from the beginning (a group of its own
 * per instance, nothing committed) and keeps the halted runs in memory. An unreadable entry is
 * skipped: it cannot halt anything.
 */
@ApplicationScoped
public class RunControlsConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(RunControlsConsumer.class);

    private final HaltedRuns halted;

    public RunControlsConsumer(HaltedRuns halted) {
        this.halted = halted;
    }

    @Incoming("run-controls")
    public CompletionStage<Void> onControl(Message<Object> message) {
        // Object, not RunHalted: see TaskConsumer on channel signatures
        if (!(message.getPayload() instanceof RunHalted control)) {
            LOG.warn("skipping an unreadable or empty run control");
        } else {
            halted.halt(control.getRunId(), control.getReason());
            LOG.info("run {} halted: {}", control.getRunId(), control.getReason());
        }
        return message.ack();
    }
}
