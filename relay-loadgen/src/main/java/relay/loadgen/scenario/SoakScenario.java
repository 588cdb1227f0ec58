package relay.loadgen.scenario;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import relay.loadgen.net.EventLoop;
import relay.loadgen.net.Timer;
import relay.loadgen.net.WsConnection;
import relay.loadgen.net.WsListener;

/**
 * {@code soak}: mixed traffic held for a long time against a local server, watching whether the server's
 * resident memory, open file descriptors and threads stay flat.
 *
 * <p>The traffic is the other scenarios' (same connections, pacing and accounting), run side by side on one
 * {@link Run}: booth/scanner pairs ({@link BoothScenario}), CarParty rooms with targeted messages and inputs
 * ({@link CarpartyScenario}) and a broadcast group ({@link BroadcastScenario}); plus churn, which
 * {@code --churn} times a second opens a signaling pair (register in a fresh room, offer, answer, both close)
 * and an {@code /echo} connection (one message back, then close). Series: the sub-scenarios' and
 * {@code churn} (intended open time to the answer or echo).
 *
 * <p>A sampler thread reads {@code /proc/<--server-pid>} every {@code --sample-interval}, prints a line and
 * keeps the samples of the measured time ({@code soak-samples.csv} in the results). At the end each resource
 * gets a verdict ({@link ProcessResources#trends}); the exit status is 1 when one grew, or on any error.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Mixed traffic held for --minutes against --server-pid; checks its RSS, fds and threads stay flat.")
public final class SoakScenario extends Scenario {
    private static final int CHURN_BUFFER_BYTES = 8 * 1024;
    private static final long CHURN_TIMEOUT_NS = 10_000_000_000L;

    @Option(names = "--minutes", description = "Measured time in minutes (overrides --duration).")
    Double minutes;

    @Option(names = "--sample-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often the server's resources are read. Default: ${DEFAULT-VALUE}")
    Duration sampleInterval;

    @Option(names = "--tolerance", defaultValue = "10",
            description = "Growth in percent (last quarter's mean over the second quarter's) still called flat. Default: ${DEFAULT-VALUE}")
    double tolerancePercent;

    @Option(names = "--booth-pairs", defaultValue = "20", description = "Booth/scanner pairs, 2 round trips/s each. Default: ${DEFAULT-VALUE}")
    int boothPairs;

    @Option(names = "--rooms", defaultValue = "4", description = "CarParty rooms, 10 msg/s from each game server. Default: ${DEFAULT-VALUE}")
    int rooms;

    @Option(names = "--room-clients", defaultValue = "10", description = "Clients per CarParty room, 1 input/s each. Default: ${DEFAULT-VALUE}")
    int roomClients;

    @Option(names = "--members", defaultValue = "20", description = "Members of the broadcast group, 2 of them sending 5 msg/s. Default: ${DEFAULT-VALUE}")
    int members;

    @Option(names = "--churn", defaultValue = "2",
            description = "Signaling pairs and echo connections opened and closed per second. Default: ${DEFAULT-VALUE}")
    double churnRate;

    private final List<ProcessResources.Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Scenario> parts = new ArrayList<>();
    private ProcessResources resources;
    private Thread sampler;
    private int churnSeries;
    private boolean flat = true;

    @Override
    protected String name() {
        return "soak";
    }

    @Override
    protected List<String> series() {
        return withSendLag("round-trip", "one-way", "broadcast", "targeted", "input", "delivery", "churn");
    }

    @Override
    protected int connectionCount() {
        return 2 * boothPairs + rooms * (roomClients + 1) + members + 3;
    }

    @Override
    public Integer call() throws Exception {
        if (serverPid == null) {
            throw new ParameterException(spec.commandLine(), "soak needs --server-pid (the server's process id)");
        }
        resources = new ProcessResources(serverPid);
        resources.read(); // fails early when the process is not there
        if (minutes != null) {
            duration = Duration.ofMillis(Math.round(minutes * 60_000));
        }
        int status = super.call();
        return flat ? status : 1;
    }

    @Override
    protected void setUp(Run run, long deadlineNs) throws InterruptedException {
        churnSeries = run.log.index("churn");
        BoothScenario booth = new BoothScenario();
        booth.pairs = boothPairs;
        booth.rate = 2;
        booth.size = 128;
        booth.path = "/booth";
        booth.boothPrefix = "soak-booth-";
        CarpartyScenario carparty = new CarpartyScenario();
        carparty.rooms = rooms;
        carparty.clients = roomClients;
        carparty.rate = 10;
        carparty.targetedShare = 0.2;
        carparty.inputRate = 1;
        carparty.size = 128;
        carparty.path = "/carparty";
        carparty.codePrefix = "soak-cp-";
        BroadcastScenario broadcast = new BroadcastScenario();
        broadcast.members = members;
        broadcast.senders = 2;
        broadcast.rate = 5;
        broadcast.size = 128;
        broadcast.path = "/ws/relay/soak/";
        parts.addAll(List.of(booth, carparty, broadcast));
        for (Scenario part : parts) {
            part.setUp(run, deadlineNs);
        }
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) throws InterruptedException {
        for (Scenario part : parts) {
            part.startLoad(run, loadStartNs);
        }
        if (churnRate > 0) {
            EventLoop[] loops = run.group.loops();
            new Churn(run, loops[loops.length - 1]).start(loadStartNs);
        }
        sampler = Thread.ofPlatform().name("soak-sampler").daemon().start(() -> sample(run));
    }

    /** Sampler thread: one reading per interval until the end of the measured time. */
    private void sample(Run run) {
        long intervalNs = sampleInterval.toNanos();
        long next = run.loadStartNs();
        while (!run.stopping() && next - run.endNs() <= 0) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += intervalNs;
            ProcessResources.Sample s;
            try {
                s = resources.read();
            } catch (IOException | RuntimeException e) {
                run.errors.add("server process unreadable (gone?)");
                return;
            }
            if (run.measured(s.atNs())) {
                samples.add(s);
            }
            stdout.printf(Locale.ROOT, "[%7.1fs] server rss %8.1f MiB  fds %6d  threads %4d | loadgen open %d  sent %d  delivered %d  errors %d%n",
                    (s.atNs() - run.loadStartNs()) / 1e9, s.rssKb() / 1024.0, s.fds(), s.threads(),
                    run.group.openCount(), run.sent.sum(), run.received.sum(), run.errors.total());
            stdout.flush();
        }
    }

    @Override
    protected void addResults(Run run, Map<String, Object> results) {
        if (sampler != null) {
            sampler.interrupt();
            try {
                sampler.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ProcessResources.Sample> taken;
        synchronized (samples) {
            taken = List.copyOf(samples);
        }
        writeSamples(run, taken);
        List<ProcessResources.Trend> trends = ProcessResources.trends(taken, tolerancePercent);
        results.put("samples", taken.size());
        if (trends.isEmpty()) {
            results.put("verdict", "too few samples to judge (" + taken.size() + " < " + ProcessResources.MIN_SAMPLES
                    + "): run longer or sample more often");
            flat = false;
            return;
        }
        Map<String, Object> server = new LinkedHashMap<>();
        for (ProcessResources.Trend t : trends) {
            results.put("server " + t.name(), t.toString());
            server.put(t.name(), Map.of("start", t.first(), "middle", t.middle(), "end", t.last(),
                    "secondQuarterMean", t.secondQuarterMean(), "lastQuarterMean", t.lastQuarterMean(), "flat", t.flat()));
            flat &= t.flat();
        }
        results.put("serverResources", server);
        results.put("verdict", flat ? "flat (within " + tolerancePercent + "%)"
                : "NOT flat: a resource grew more than " + tolerancePercent + "%");
    }

    /** {@code soak-samples.csv}: {@code seconds,rss_kb,fds,threads}, seconds from the start of the load. */
    private void writeSamples(Run run, List<ProcessResources.Sample> taken) {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("soak-samples.csv"), StandardCharsets.UTF_8))) {
            w.println("seconds,rss_kb,fds,threads");
            for (ProcessResources.Sample s : taken) {
                w.printf(Locale.ROOT, "%.1f,%d,%d,%d%n", (s.atNs() - run.loadStartNs()) / 1e9, s.rssKb(), s.fds(), s.threads());
            }
        } catch (IOException e) {
            stderr.println("cannot write soak-samples.csv: " + e.getMessage());
        }
    }

    /** Opens the churn connections on a loop's pace; each one ends itself after its exchange. */
    private final class Churn extends Pacer {
        private final InetSocketAddress remote = new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
        private long next;

        Churn(Run run, EventLoop loop) {
            super(run, loop, churnRate);
        }

        @Override
        protected boolean send(long intendedNs, long nowNs) {
            long k = next++;
            EventLoop[] loops = run.group.loops();
            open("/echo", new Echo(run, intendedNs), loops[(int) (k % loops.length)]);
            open("/signaling", new Peer(run, k, true, intendedNs), loops[(int) ((k + 1) % loops.length)]);
            open("/signaling", new Peer(run, k, false, intendedNs), loops[(int) ((k + 2) % loops.length)]);
            return true;
        }

        private void open(String path, ChurnListener listener, EventLoop on) {
            WsConnection c = new WsConnection(on, remote, null, path, -1, listener, CHURN_BUFFER_BYTES, CHURN_BUFFER_BYTES);
            listener.connection = c;
            c.connect();
            on.execute(() -> on.schedule(listener, System.nanoTime() + CHURN_TIMEOUT_NS));
        }
    }

    /** A short-lived connection: its exchange must end within {@link #CHURN_TIMEOUT_NS} or it is dropped. */
    private abstract static class ChurnListener extends Timer implements WsListener {
        final Run run;
        final long intendedNs;
        WsConnection connection;
        boolean done;

        ChurnListener(Run run, long intendedNs) {
            this.run = run;
            this.intendedNs = intendedNs;
        }

        /** The exchange is complete: close (loop thread). */
        void finish(WsConnection c) {
            done = true;
            c.loop().cancel(this);
            c.close(1000, "soak churn");
        }

        @Override
        protected void fire(long nowNs) {
            if (!done) {
                done = true;
                run.errors.add("churn exchange timeout");
                connection.abort();
            }
        }

        @Override
        public void onClosed(WsConnection c, int code, String reason, boolean initiatedByUs) {
            c.loop().cancel(this);
            if (!done) {
                countClose(run, code, reason, initiatedByUs);
            }
            done = true;
        }

        @Override
        public void onFailed(WsConnection c, String kind) {
            c.loop().cancel(this);
            done = true;
            run.errors.add("churn " + kind);
        }
    }

    private final class Echo extends ChurnListener {
        Echo(Run run, long intendedNs) {
            super(run, intendedNs);
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            byte[] msg = new MessageTemplate("{\"echo\":1,", "}", 0).stamp(run.stampOf(intendedNs));
            if (c.sendText(msg, 0, msg.length)) {
                run.sent.increment();
                run.expected.increment();
            }
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            run.recordStamped(churnSeries, Stamp.findAndRead(bytes, offset, length), nowNs);
            finish(c);
        }
    }

    /** One side of a signaling pair in a room of its own: the caller offers once the callee is there. */
    private final class Peer extends ChurnListener {
        final String id;
        final String peerId;
        final String room;
        final boolean caller;
        boolean offered;

        Peer(Run run, long k, boolean caller, long intendedNs) {
            super(run, intendedNs);
            this.caller = caller;
            this.id = "soak-" + (caller ? "a" : "b") + k;
            this.peerId = "soak-" + (caller ? "b" : "a") + k;
            this.room = "soak-churn-" + k;
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            Participant.sendSetUp(c, "{\"type\":\"register\",\"client_id\":\"" + id + "\",\"room_id\":\"" + room
                    + "\",\"client_type\":\"soak\"}");
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
            if (text.contains("\"error\"")) {
                run.errors.add("churn error reply: " + Participant.errorMessage(text));
            } else if (caller && !offered && (text.contains("\"peer_joined\"")
                    || text.contains("\"registered\"") && text.contains("\"" + peerId + "\""))) {
                offered = true;
                byte[] offer = new MessageTemplate("{\"type\":\"offer\",\"target_id\":\"" + peerId + "\",\"sdp\":{", "}}", 0)
                        .stamp(run.stampOf(intendedNs));
                if (c.sendText(offer, 0, offer.length)) {
                    run.sent.increment();
                    run.expected.increment();
                }
            } else if (caller && text.contains("\"answer\"")) {
                run.recordStamped(churnSeries, Stamp.findAndRead(bytes, offset, length), nowNs);
                finish(c);
            } else if (!caller && text.contains("\"offer\"")) {
                int pos = Stamp.find(bytes, offset, length);
                byte[] answer = new MessageTemplate("{\"type\":\"answer\",\"target_id\":\"" + peerId + "\",\"sdp\":{", "}}", 0)
                        .copyStamp(bytes, pos);
                c.sendText(answer, 0, answer.length);
                run.sent.increment();
                finish(c);
            } // registered, peer_joined for the callee, peer_left: part of the exchange
        }
    }
}
