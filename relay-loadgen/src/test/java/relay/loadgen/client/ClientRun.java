package relay.loadgen.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One {@code relay client ...} command run in-process on a virtual thread, with a scripted standard input
 * (lines typed while it runs, end of input on {@link #endInput}) and its standard output captured for
 * assertions. Every wait is bounded.
 */
final class ClientRun implements AutoCloseable {
    static final long TIMEOUT_MS = 10_000;

    private final PipedOutputStream stdin = new PipedOutputStream();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private ClientRun(String... args) throws IOException {
        PipedInputStream in = new PipedInputStream(stdin, 64 * 1024);
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        Thread.ofVirtual().name("client-under-test").start(() -> {
            try {
                exit.complete(ClientMain.run(args, in, out, err));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
    }

    static ClientRun start(String... args) throws IOException {
        return new ClientRun(args);
    }

    /** Types a line. */
    ClientRun type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return this;
    }

    /** End of input (Ctrl-D). */
    ClientRun endInput() throws IOException {
        stdin.close();
        return this;
    }

    List<String> lines() {
        return stdout.toString(StandardCharsets.UTF_8).lines().toList();
    }

    String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    /** Waits until a printed line satisfies {@code condition}; returns it. */
    String awaitLine(String what, Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            for (String line : lines()) {
                if (condition.test(line)) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        fail("no line " + what + " in:\n" + String.join("\n", lines()) + "\nstderr:\n" + stderr());
        return null;
    }

    String awaitLine(String exact) throws InterruptedException {
        return awaitLine("'" + exact + "'", exact::equals);
    }

    int awaitExit() throws Exception {
        try {
            return exit.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("client did not exit; it printed:\n" + String.join("\n", lines()));
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
