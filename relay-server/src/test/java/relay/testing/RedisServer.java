package relay.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import relay.config.ClusterConfig;

/**
 * A private redis-server for a test class, on a free loopback port in a temporary directory, with no
 * persistence; started before the class's tests and killed after them. Register it with
 * {@code @RegisterExtension static final RedisServer REDIS = new RedisServer();}. The class's tests are
 * skipped (not failed) where redis-server is not installed; .ci/run installs Debian's.
 * {@link #kill()} and {@link #restart()} let a test take Redis away mid-run and bring it back on the
 * same port.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {
    private static final long START_TIMEOUT_MS = 10_000;

    private Path dir;
    private int port;
    private Process process;

    /** redis-server on the PATH or in /usr/bin, or null. */
    static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "") + java.io.File.pathSeparator + "/usr/bin:/usr/sbin";
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(binary() != null, "redis-server is not installed (apt-get install redis-server)");
        dir = Files.createTempDirectory("relay-redis");
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        restart();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        kill();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Starts redis-server on this extension's port (again) and waits until it answers PING. */
    public void restart() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(binary().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--loglevel", "warning")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("redis-server did not start on port " + port + ": "
                        + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
    }

    /** Kills redis-server at once (SIGKILL): every connection to it breaks, as in a crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /**
     * A cluster configuration on this Redis with a fresh key prefix (tests do not see each other's nodes)
     * and short timings: 1.5 s leases renewed every 0.4 s, heartbeats every 0.2 s, peers given up after 1.5 s.
     */
    public ClusterConfig cluster() {
        return ClusterConfig.of(uri()).withPrefix("t" + UUID.randomUUID().toString().substring(0, 8))
                .withTimings(1_500, 400, 200, 1_500);
    }

    private boolean answersPing() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
