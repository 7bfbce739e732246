package dev.conveyor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a JVM's JIT compiler threads ("C1 CompilerThre…", "C2 CompilerThre…"), read
 * from Linux's /proc; 0 where /proc is not there. Threads the JVM retired take their time with
 * them, so a difference of two readings can come out low, never high.
 */
public final class JitThreads {

    /** USER_HZ: the unit of utime/stime in /proc/…/stat on Linux. */
    private static final double MS_PER_TICK = 10.0;

    private JitThreads() {
    }

    /** Of the JVM with process id {@code pid} ({@code ProcessHandle.current().pid()} for this one). */
    public static double cpuMs(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return 0;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.mapToDouble(JitThreads::compilerThreadMs).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // the process ended meanwhile
        }
    }

    private static double compilerThreadMs(Path task) {
        try {
            String name = Files.readString(task.resolve("comm")).strip();
            if (!name.contains("CompilerThre")) {
                return 0;
            }
            return ticksMs(Files.readString(task.resolve("stat")));
        } catch (IOException e) {
            return 0; // the thread ended meanwhile
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc/…/stat line, in milliseconds. */
    public static double ticksMs(String stat) {
        // the name (field 2) is in parentheses and may hold spaces: count fields after its ')'
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(after[11]) + Long.parseLong(after[12])) * MS_PER_TICK;
    }
}
