package relay.loadgen.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The CPU time a HotSpot JVM's JIT compiler threads ({@code C1 CompilerThre...}, {@code C2 CompilerThre...}
 * in {@code /proc/<pid>/task/<tid>/comm}) have used, in clock ticks: the part of a JVM server's CPU that is
 * still warming up rather than serving. A server that is not a HotSpot JVM has no such threads.
 *
 * <p>The count is cumulative over every compiler thread seen, those that have exited included (HotSpot
 * starts and retires compiler threads as the queue of methods grows and shrinks), so that the difference of
 * two readings is the compiling done between them, less at most what an exiting thread did after its last
 * reading.
 */
final class CompilerThreadTicks {
    private final Path tasks;
    /**
     * Every thread listed at the last reading and whether it compiles, once its name is final. A new thread
     * carries its creator's name until it names itself; HotSpot starts compiler threads from the main thread
     * ("java") or from another compiler thread, so only the name "java" is read again.
     */
    private final Map<String, Boolean> compiles = new HashMap<>();
    /** Each compiler thread's ticks at the last reading. */
    private Map<String, Long> lastTicks = new HashMap<>();
    /** Ticks of compiler threads that have exited, as last read. */
    private long exitedTicks;

    CompilerThreadTicks(long pid) {
        this.tasks = Path.of("/proc", Long.toString(pid), "task");
    }

    /**
     * Ticks used by the compiler threads since the process started, or -1 when it has none (not a HotSpot
     * JVM) or its threads cannot be read.
     */
    long read() {
        Set<String> listed = new HashSet<>();
        Map<String, Long> now = new HashMap<>();
        try (Stream<Path> entries = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) entries::iterator) {
                String tid = task.getFileName().toString();
                listed.add(tid);
                long ticks = compiles(tid, task) ? ticks(task) : -1;
                if (ticks >= 0) {
                    now.put(tid, ticks);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        compiles.keySet().retainAll(listed); // a server that churns platform threads does not grow this
        lastTicks.forEach((tid, ticks) -> exitedTicks += now.containsKey(tid) ? 0 : ticks);
        lastTicks = now;
        if (now.isEmpty() && exitedTicks == 0) {
            return -1;
        }
        return exitedTicks + now.values().stream().mapToLong(Long::longValue).sum();
    }

    private boolean compiles(String tid, Path task) {
        Boolean known = compiles.get(tid);
        if (known != null) {
            return known;
        }
        String name;
        try {
            name = Files.readString(task.resolve("comm")).strip();
        } catch (IOException e) {
            return false; // exited while listed
        }
        boolean compiler = name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        if (!name.equals("java")) {
            compiles.put(tid, compiler);
        }
        return compiler;
    }

    /** utime + stime of one thread (fields 14 and 15 of its stat), or -1 when it has exited. */
    private static long ticks(Path task) {
        try {
            return ProcessResources.cpuTicks(Files.readString(task.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
