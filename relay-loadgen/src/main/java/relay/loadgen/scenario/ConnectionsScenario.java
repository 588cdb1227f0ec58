package relay.loadgen.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.loadgen.net.WsConnection;

/**
 * {@code connections}: opens C idle connections as fast as {@code --connect-concurrency} allows (spread over
 * loopback source addresses when C exceeds one address's ephemeral ports), holds them for the duration,
 * and reports the connect rate and, given {@code --server-pid} of a local server, its resident memory
 * before and after ({@code VmRSS} from {@code /proc/<pid>/status}) and per connection. Series:
 * {@code connect} (TCP connect start to the 101 response).
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Open and hold C idle connections; connect rate and server memory per connection.")
public final class ConnectionsScenario extends Scenario {
    @Option(names = {"-c", "--connections"}, defaultValue = "1000", description = "Connections to open. Default: ${DEFAULT-VALUE}")
    int connections;

    @Option(names = "--path", defaultValue = "/echo", description = "Path (an idle connection on / would be bound to studio). Default: ${DEFAULT-VALUE}")
    String path;

    private long rssBeforeKb = -1;
    private long rssAfterKb = -1;
    private double connectSeconds;
    private int openedCount;

    /** Idle connections only ever see a handshake and pings: 4 KiB each way instead of 384 KiB lets one generator hold 100,000. */
    @Override
    protected int readBufferBytes() {
        return 4096;
    }

    @Override
    protected int writeBufferBytes() {
        return 4096;
    }

    @Override
    protected String name() {
        return "connections";
    }

    @Override
    protected List<String> series() {
        return List.of("connect");
    }

    @Override
    protected Duration defaultWarmup() {
        return Duration.ZERO;
    }

    @Override
    protected boolean recordsSetUp() {
        return true;
    }

    @Override
    protected int connectionCount() {
        return connections;
    }

    private static final class Idle extends Participant {
        final int series;
        final CountDownLatch done;

        Idle(Run run, CountDownLatch done) {
            this.run = run;
            this.series = run.log.index("connect");
            this.done = done;
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            run.log.record(series, nowNs - c.connectStartNs());
            run.received.increment();
            done.countDown();
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            run.errors.add("wrong answer: message on an idle connection");
        }

        @Override
        CountDownLatch setUpLatch() {
            return done;
        }
    }

    @Override
    protected void setUp(Run run, long deadlineNs) throws InterruptedException {
        rssBeforeKb = rssKb();
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            run.sent.increment();
            run.expected.increment();
            run.group.open(path, new Idle(run, done));
        }
        if (!await(done, deadlineNs)) {
            run.errors.add("connect timeout", done.getCount());
        }
        connectSeconds = (System.nanoTime() - start) / 1e9;
        openedCount = run.group.openCount();
        Thread.sleep(1_000); // let the server settle (its per-connection threads and buffers) before measuring
        rssAfterKb = rssKb();
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) {
        // idle: the connections are held until the end of the run
    }

    @Override
    protected void addResults(Run run, Map<String, Object> results) {
        results.put("opened", openedCount);
        results.put("connectSeconds", Math.round(connectSeconds * 1000) / 1000.0);
        results.put("connectsPerSecond", connectSeconds > 0 ? Math.round(openedCount / connectSeconds) : 0);
        if (rssBeforeKb >= 0 && rssAfterKb >= 0) {
            results.put("serverRssBeforeKb", rssBeforeKb);
            results.put("serverRssAfterKb", rssAfterKb);
            if (openedCount > 0) {
                results.put("serverBytesPerConnection", (rssAfterKb - rssBeforeKb) * 1024 / openedCount);
            }
        }
    }

    private long rssKb() {
        if (serverPid == null) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", serverPid.toString(), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            stderr.println("cannot read RSS of pid " + serverPid + ": " + e.getMessage());
        }
        return -1;
    }
}
