package dev.conveyor.worker;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/** Keeps every log line, with the messages of its exception chain, so tests can check what was logged. */
final class CapturedLogs extends Handler {

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(formatter.formatMessage(record));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            line.append(" | ").append(t);
            for (Throwable suppressed : t.getSuppressed()) {
                line.append(" | ").append(suppressed);
            }
        }
        lines.add(line.toString());
    }

    String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
