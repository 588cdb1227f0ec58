package relay.loadgen.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The JIT compiler threads' CPU time, read from /proc of real processes: this test's JVM and a shell. */
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class CompilerThreadTicksTest {
    @Test
    void aHotSpotJvmsCompilerThreadsAreFoundAndTheirTimeOnlyGrows() {
        CompilerThreadTicks jit = new CompilerThreadTicks(ProcessHandle.current().pid());
        long before = jit.read();
        long spin = 0;
        for (int i = 0; i < 3; i++) {
            spin += warm(i); // new code for the compiler to work on
        }
        long after = jit.read();

        assertTrue(before >= 0, "this JVM's C1/C2 compiler threads were not found in /proc (" + before + ")");
        assertTrue(after >= before, before + " -> " + after + " (" + spin + ")");
        long processTicks = ticksOf(ProcessHandle.current().pid());
        assertTrue(after <= processTicks, "compiler threads " + after + " ticks, whole process " + processTicks);
    }

    @Test
    void aProcessWithoutCompilerThreadsHasNoFigure() throws IOException, InterruptedException {
        Process sleep = new ProcessBuilder("sleep", "10").start();
        try {
            assertEquals(-1, new CompilerThreadTicks(sleep.pid()).read());
        } finally {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessThatIsGoneHasNoFigure() throws InterruptedException {
        Process exited;
        try {
            exited = new ProcessBuilder("true").start();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        exited.waitFor(5, TimeUnit.SECONDS);
        assertEquals(-1, new CompilerThreadTicks(exited.pid()).read());
    }

    private static long warm(int seed) {
        long h = seed;
        for (int i = 0; i < 200_000; i++) {
            h = h * 31 + Long.toString(i ^ seed).hashCode();
        }
        return h;
    }

    private static long ticksOf(long pid) {
        try {
            return ProcessResources.cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
