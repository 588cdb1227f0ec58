package relay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./relay sitting} end to end: two configurations of relay-server under one load, run through the
 * launcher as a user runs it, down to the table. It lives in relay-bench, the reactor's last module, because
 * it runs the packaged relay-server and relay-loadgen jars (the pom's ordering dependency says so).
 */
@Timeout(180)
class SittingScriptIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path dir;

    private record Run(int exit, String output) {}

    private static Run sitting(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("relay").toString(), "sitting"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("RELAY_NO_BUILD", "1"); // the reactor has just packaged the jars
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(150, TimeUnit.SECONDS), "the sitting did not end");
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.split("\\|")).map(String::trim).skip(1).toList();
    }

    @Test
    void twoConfigurationsOfRelayRunInTurnAndEndInOneTableWithRatios() throws Exception {
        Path out = dir.resolve("sitting");
        int port = freePort();
        Path otherBuild = Files.copy(ROOT.resolve("relay-server/target/relay-server.jar"), dir.resolve("other-build.jar"));

        Run run = sitting("--server", "relay", "--server", "relay-serial=-XX:+UseSerialGC -Xlog:gc -- --idle-park-ms 0",
                "--jar", "relay-serial=" + otherBuild, "--scenario", "echo -c 4 -r 20", "--rounds", "2",
                "--warmup", "1s", "--duration", "2s", "--port", Integer.toString(port), "--out", out.toString());

        assertEquals(0, run.exit(), run.output());
        List<String> rows = Files.readAllLines(out.resolve("table.md")).stream()
                .filter(l -> l.startsWith("| echo")).toList();
        assertEquals(2, rows.size(), run.output());
        List<String> relay = cells(rows.get(0));
        List<String> serial = cells(rows.get(1));
        assertEquals(List.of("echo", "relay"), relay.subList(0, 2));
        assertEquals(List.of("echo", "relay-serial"), serial.subList(0, 2));
        String twoNumbers = "\\d+(\\.\\d+)?, \\d+(\\.\\d+)?"; // each cell lists round 1, round 2
        for (List<String> row : List.of(relay, serial)) {
            assertTrue(row.get(3).matches(twoNumbers), "p99: " + row);
            assertTrue(row.get(6).matches(twoNumbers), "server CPU per delivery: " + row);
            // relay is a HotSpot JVM, so the table has its JIT time (a part of its CPU) before "delivered"
            assertTrue(row.get(10).matches(twoNumbers), "JIT CPU per delivery: " + row);
            String[] cpu = row.get(6).split(", ");
            String[] jit = row.get(10).split(", ");
            for (int round = 0; round < 2; round++) {
                assertTrue(Double.parseDouble(jit[round]) <= Double.parseDouble(cpu[round]), row.toString());
            }
            assertEquals("all", row.get(11), "every echo came back: " + row);
        }
        assertTrue(Files.readString(out.resolve("table.md")).contains("| CPU ratio | of it JIT µs | delivered |"));
        assertEquals("", relay.get(9)); // the baseline (the first server) has no ratios
        String twoRatios = "\\d+\\.\\d\\dx, \\d+\\.\\d\\dx";
        assertTrue(serial.get(7).matches(twoRatios) && serial.get(9).matches(twoRatios), serial.toString());

        String log = Files.readString(out.resolve("sitting.txt"));
        assertTrue(log.contains("4 runs, 0 failed"), log);
        // round 2 starts with the second server: no server always runs first
        List<String> order = log.lines().filter(l -> l.contains(" round ")).map(l -> l.replaceAll(".*--label (\\S+).*", "$1"))
                .toList();
        assertEquals(List.of("relay", "relay-serial", "relay-serial", "relay"), order, log);
        // JVM options go to the JVM (its GC log names the collector), what follows "--" to the server itself
        assertTrue(log.lines().anyMatch(l -> l.contains("server relay-serial:") && l.contains("--idle-park-ms 0")), log);
        assertTrue(log.contains("server relay-serial runs " + otherBuild.toAbsolutePath() + " (sha256 "), log);
        assertTrue(Files.readString(out.resolve("1-echo/relay-serial-1/server.log")).contains("Using Serial"));
        assertFalse(Files.readString(out.resolve("1-echo/relay-1/server.log")).contains("Using Serial"));
        assertTrue(Files.exists(out.resolve("1-echo/compare.html")));
        for (String name : List.of("relay-1", "relay-serial-1")) {
            assertTrue(Files.exists(out.resolve("1-echo").resolve(name).resolve("summary.json")), name);
        }
        assertFalse(listening(port), "the last server was stopped");
    }

    @Test
    void optionsTheSittingSetsItselfAndUnknownServersAreRefusedBeforeAnythingRuns() throws Exception {
        Run duration = sitting("--server", "relay", "--scenario", "echo -c 1 -d 5s", "--out", dir.resolve("a").toString());
        assertNotEquals(0, duration.exit());
        assertTrue(duration.output().contains("-d is set by the sitting"), duration.output());

        Run unknown = sitting("--server", "nginx", "--scenario", "echo -c 1", "--out", dir.resolve("b").toString());
        assertNotEquals(0, unknown.exit());
        assertTrue(unknown.output().contains("must start with relay, uws, ws or netty"), unknown.output());

        Run nothing = sitting("--scenario", "echo -c 1");
        assertNotEquals(0, nothing.exit());
        assertTrue(nothing.output().contains("no --server given"), nothing.output());
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")), "nothing was run");
    }

    @Test
    void aServerGivenAnotherBuildRunsThatJar() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.jar"), "not a jar");

        Run run = sitting("--server", "relay-broken", "--jar", "relay-broken=" + broken, "--scenario", "echo -c 1",
                "--rounds", "1", "--warmup", "1s", "--duration", "1s", "--port", Integer.toString(freePort()),
                "--out", dir.resolve("c").toString());

        assertNotEquals(0, run.exit());
        assertTrue(run.output().contains("relay-broken exited before listening"), run.output());

        Run missing = sitting("--server", "relay", "--jar", "relay=" + dir.resolve("absent.jar"), "--scenario", "echo -c 1",
                "--out", dir.resolve("d").toString());
        assertNotEquals(0, missing.exit());
        assertTrue(missing.output().contains("no such file"), missing.output());
        assertFalse(Files.exists(dir.resolve("d")), "nothing was run");
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
