package dev.conveyor.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Errors injected per path (a regular expression over the request path, e.g.
 * {@code /api/v1/dashboard/permalink/.*}): a status with Superset's error body, a slow answer, an
 * oversized answer, or a redirect. Checked before authentication, so a fault on the login path
 * fails the login. {@link #heal(String)} removes one, {@link #healAll()} every one.
 */
public final class FakeSupersetFaults {

    private interface Fault {
    }

    private record Status(int status) implements Fault {
    }

    private record Slow(Duration delay) implements Fault {
    }

    private record Oversized(int bytes) implements Fault {
    }

    private record Redirect(String location) implements Fault {
    }

    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    /** Answers {@code status} (401, 403, 404, 422, 500, ...) with Superset's {@code {"message": ...}}. */
    public FakeSupersetFaults fail(String pathRegex, int status) {
        faults.put(pathRegex, new Status(status));
        return this;
    }

    /** Waits {@code delay} before answering (longer than the client's time-out: never answered in time). */
    public FakeSupersetFaults slow(String pathRegex, Duration delay) {
        faults.put(pathRegex, new Slow(delay));
        return this;
    }

    /** Answers 200 with a JSON document of about {@code bytes} bytes. */
    public FakeSupersetFaults oversized(String pathRegex, int bytes) {
        faults.put(pathRegex, new Oversized(bytes));
        return this;
    }

    /** Answers 302 to {@code location}. */
    public FakeSupersetFaults redirect(String pathRegex, String location) {
        faults.put(pathRegex, new Redirect(location));
        return this;
    }

    public FakeSupersetFaults heal(String pathRegex) {
        faults.remove(pathRegex);
        return this;
    }

    public FakeSupersetFaults healAll() {
        faults.clear();
        return this;
    }

    /** Answers the fault for this path, if any; true when answered. */
    boolean handle(FakeSupersetExchange ex) throws IOException {
        Fault fault = null;
        for (Map.Entry<String, Fault> e : faults.entrySet()) {
            if (Pattern.matches(e.getKey(), ex.path())) {
                fault = e.getValue();
                break;
            }
        }
        if (fault == null) {
            return false;
        }
        if (fault instanceof Status s) {
            ex.message(s.status(), switch (s.status()) {
                case 401 -> "Not authorized";
                case 403 -> "Forbidden";
                case 404 -> "Not found";
                case 422 -> "Could not process entity";
                default -> "Fatal error";
            });
        } else if (fault instanceof Slow s) {
            try {
                Thread.sleep(s.delay().toMillis()); // the fault itself: an answer that comes too late
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            try {
                ex.message(200, "late");
            } catch (IOException gone) {
                // the client gave up: that is the point
            }
        } else if (fault instanceof Oversized o) {
            ex.raw().getResponseHeaders().set("Content-Type", "application/json");
            ex.raw().sendResponseHeaders(200, 0);
            try (OutputStream out = ex.raw().getResponseBody()) {
                out.write("{\"result\":\"".getBytes());
                byte[] chunk = "x".repeat(8192).getBytes();
                for (int written = 0; written < o.bytes(); written += chunk.length) {
                    out.write(chunk);
                }
                out.write("\"}".getBytes());
            } catch (IOException gone) {
                // the client stopped reading at its cap
            }
        } else if (fault instanceof Redirect r) {
            ex.setHeader("Location", r.location());
            ex.send(302, "{}");
        }
        return true;
    }
}
