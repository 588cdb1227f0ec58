package relay.loadgen.scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import relay.json.Json;
import relay.loadgen.net.ClientGroup;
import relay.loadgen.net.WsConnection;
import relay.loadgen.report.LatencyLog;
import relay.loadgen.report.RunResult;
import relay.loadgen.report.RunSummary;

/**
 * One load scenario as a picocli command: the options every scenario shares, and the life of a run.
 *
 * <ol>
 *   <li>set-up: open and log in every connection ({@link #setUp}), bounded by {@code --connect-timeout};</li>
 *   <li>load: start the pacers ({@link #startLoad}); warm-up, then the measured {@code --duration};</li>
 *   <li>drain: wait up to {@code --drain} for deliveries still in flight; what never arrives is a
 *       {@code timeout} error;</li>
 *   <li>report: close every connection, read the {@code .hlog} back, print the table and write
 *       {@code <series>.hgrm} and {@code summary.json} to {@code --out}.</li>
 * </ol>
 * A progress line goes to stderr every second. The run ends with its summary even when the server
 * refuses, closes or answers wrongly; the exit status is 0 without errors and 1 with any.
 */
public abstract class Scenario implements Callable<Integer> {
    /** The smallest client buffer {@link #bufferBytes} gives: frames of a few KiB still fit many times over. */
    static final int MIN_BUFFER_BYTES = 16 * 1024;

    public static final String SEND_LAG = "send-lag";
    private static final long SECOND_NS = 1_000_000_000L;
    private static final DateTimeFormatter DIR_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Spec
    protected CommandSpec spec;

    @Option(names = "--url", defaultValue = "ws://127.0.0.1:8765",
            description = "Server to load (ws://host:port; the path comes from --path). Default: ${DEFAULT-VALUE}")
    protected URI url;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time after the warm-up (e.g. 30s, 2m). Default: ${DEFAULT-VALUE}")
    protected Duration duration;

    @Option(names = "--warmup", converter = DurationConverter.class,
            description = "Load that is sent but not recorded, before the measured time. Default: 2s (0 for signaling, connections)")
    protected Duration warmup;

    @Option(names = "--drain", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long to wait after the end for deliveries in flight. Default: ${DEFAULT-VALUE}")
    protected Duration drain;

    @Option(names = "--connect-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Bound on the whole set-up phase. Default: ${DEFAULT-VALUE}")
    protected Duration connectTimeout;

    @Option(names = "--connect-concurrency", defaultValue = "256",
            description = "Opening handshakes in flight at once. Default: ${DEFAULT-VALUE}")
    protected int connectConcurrency;

    @Option(names = "--loops", defaultValue = "0",
            description = "Selector threads (0: one per core, at most 4). Default: ${DEFAULT-VALUE}")
    protected int loops;

    @Option(names = "--source-addresses", defaultValue = "0",
            description = "Loopback source addresses 127.0.0.1..N to spread connections over (0: one per "
                    + ClientGroup.DEFAULT_CONNECTIONS_PER_SOURCE_ADDRESS + " connections). Default: ${DEFAULT-VALUE}")
    protected int sourceAddresses;

    @Option(names = "--out", description = "Results directory. Default: results/<scenario>-<yyyyMMdd-HHmmss>/")
    protected Path out;

    @Option(names = "--label", description = "Label of this run in compare pages (e.g. relay-zgc). Default: <scenario> <host:port>")
    protected String label;

    @Option(names = "--quiet", description = "No progress line.")
    protected boolean quiet;

    @Option(names = "--server-pid", description = "PID of a local server process: its CPU time per delivery "
            + "(and, for connections, its memory) is read from /proc.")
    protected Long serverPid;

    private MeasuredCost measuredCost = new MeasuredCost();
    protected PrintStream stdout = System.out;
    protected PrintStream stderr = System.err;

    /** Short scenario name, as on the command line. */
    protected abstract String name();

    /** Latency series this scenario records, {@link #SEND_LAG} included where it paces sends. */
    protected abstract List<String> series();

    /** The series whose p50/p99 the progress line shows. */
    protected String primarySeries() {
        return series().get(0);
    }

    /** How many connections the scenario opens (to choose source addresses). */
    protected abstract int connectionCount();

    /** Opens and logs in the connections; returns when ready (or gives up at the deadline, counting errors). */
    protected abstract void setUp(Run run, long deadlineNs) throws InterruptedException;

    /** Starts the load: pacers due from {@code loadStartNs}. */
    protected abstract void startLoad(Run run, long loadStartNs) throws InterruptedException;

    protected Duration defaultWarmup() {
        return Duration.ofSeconds(2);
    }

    /** Closes what the scenario opened outside the {@link ClientGroup} (the echo scenario's virtual-thread engine). */
    protected void tearDown(Run run) {}

    /** Extra lines for the report (e.g. memory per connection) and members for summary.json. */
    protected void addResults(Run run, Map<String, Object> results) {}

    /** Whether intervals written before the warm-up ends are kept (scenarios whose set-up is the measurement). */
    protected boolean recordsSetUp() {
        return false;
    }

    @Override
    public Integer call() throws Exception {
        if (warmup == null) {
            warmup = defaultWarmup();
        }
        LocalDateTime started = LocalDateTime.now(ZoneOffset.UTC);
        if (out == null) {
            out = Path.of("results", name() + "-" + DIR_TIME.format(started));
        }
        Files.createDirectories(out);
        if (label == null) {
            label = name() + " " + url.getHost() + ":" + url.getPort();
        }
        Map<String, Object> config = configuration();
        String configJson = Json.writeString(config);
        List<String> series = series();
        Path hlog = out.resolve(name() + ".hlog");
        int addresses = sourceAddresses > 0 ? sourceAddresses
                : Math.max(1, (connectionCount() + ClientGroup.DEFAULT_CONNECTIONS_PER_SOURCE_ADDRESS - 1)
                        / ClientGroup.DEFAULT_CONNECTIONS_PER_SOURCE_ADDRESS);
        int loopCount = loops > 0 ? loops : ClientGroup.defaultLoops();
        Run run;
        try (LatencyLog log = new LatencyLog(hlog, series, label, configJson, System.currentTimeMillis())) {
            ClientGroup group = new ClientGroup(url, loopCount, connectConcurrency, addresses,
                    readBufferBytes(), writeBufferBytes());
            run = new Run(log, group);
            Reporter reporter = new Reporter(run, series.indexOf(primarySeries()));
            measuredCost = reporter.cost;
            reporter.start();
            try {
                long deadline = System.nanoTime() + connectTimeout.toNanos();
                setUp(run, deadline);
                long loadStart = System.nanoTime() + 50_000_000L;
                run.phases(loadStart, warmup.toNanos(), duration.toNanos());
                LockSupport.unpark(reporter);
                startLoad(run, loadStart);
                sleepUntil(run.endNs(), () -> false);
                long drainEnd = System.nanoTime() + drain.toNanos();
                sleepUntil(drainEnd, () -> run.received.sum() >= run.expected.sum());
                run.stop();
            } catch (RuntimeException e) {
                // a bug or an unexpected failure of the generator itself: still end with the summary
                run.errors.add("generator failure: " + e);
            } finally {
                reporter.finish();
                run.stop();
                tearDown(run);
                group.closeAll(1_000);
                group.close();
            }
            long missing = run.expected.sum() - run.received.sum();
            if (missing > 0) {
                run.errors.add("timeout (no delivery within --drain)", missing);
            }
        }
        return report(run, configJson, started);
    }

    /**
     * Prints the table and writes the {@code .hgrm} files and {@code summary.json}, all from the {@code .hlog}
     * read back. {@code summary.json} is one object:
     * <pre>
     *   scenario, label, started (UTC), config {every option with its effective value},
     *   connections, sent, expectedDeliveries, received, errors {kind: count},
     *   series {name: {count, ratePerS, seconds, p50Ms, p90Ms, p99Ms, p99.9Ms, p99.99Ms, maxMs, meanMs}},
     *   loadgenLoopBytesPerMessage, loadgenCpuUsPerMessage, serverCpuUsPerDelivery and, for a HotSpot server, of it
     *   serverJitCpuUsPerDelivery (with --server-pid),
     *   and the scenario's own results (connections: opened, connectsPerSecond, serverBytesPerConnection ...)
     * </pre>
     */
    private int report(Run run, String configJson, LocalDateTime started) throws IOException {
        RunSummary summary = RunSummary.read(out.resolve(name() + ".hlog"));
        summary.writeHgrm(out);
        Map<String, Object> results = new LinkedHashMap<>();
        addResults(run, results);
        measuredCost.addTo(results);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", name());
        json.put("label", label);
        json.put("started", started.toString() + "Z");
        json.put("config", Json.parse(configJson));
        json.put("connections", run.group.connections().size());
        json.put("sent", run.sent.sum());
        json.put("expectedDeliveries", run.expected.sum());
        json.put("received", run.received.sum());
        json.put("errors", run.errors.snapshot());
        json.put("series", summary.seriesJson());
        json.putAll(results);
        Files.writeString(out.resolve(RunResult.FILE_NAME), Json.writeString(json) + "\n", StandardCharsets.UTF_8);

        stdout.println();
        stdout.println(label + " (" + name() + ", " + DurationConverter.format(duration) + " measured after "
                + DurationConverter.format(warmup) + " warm-up)");
        stdout.print(summary.table());
        stdout.printf(Locale.ROOT, "sent %d, expected deliveries %d, received %d%n", run.sent.sum(),
                run.expected.sum(), run.received.sum());
        results.forEach((k, v) -> stdout.println(k + ": " + v));
        Map<String, Long> errors = run.errors.snapshot();
        if (errors.isEmpty()) {
            stdout.println("errors: none");
        } else {
            stdout.println("errors:");
            errors.forEach((k, v) -> stdout.println("  " + k + ": " + v));
        }
        stdout.println("results: " + out.toAbsolutePath());
        return errors.isEmpty() ? 0 : 1;
    }

    /** Every option with its effective value, for the summary and the hlog header. */
    private Map<String, Object> configuration() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("scenario", name());
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String key = option.longestName().replaceFirst("^-+", "");
            Object value = option.getValue();
            if (value instanceof Duration d) {
                value = DurationConverter.format(d);
            } else if (value instanceof Path || value instanceof URI) {
                value = value.toString();
            }
            config.put(key, value);
        }
        config.put("warmup", DurationConverter.format(warmup));
        config.put("out", out.toString());
        config.put("label", label);
        return config;
    }

    /** Waits on the set-up thread until a latch opens or the deadline passes; false on timeout. */
    protected static boolean await(CountDownLatch latch, long deadlineNs) throws InterruptedException {
        return latch.await(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static void sleepUntil(long deadlineNs, BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            long left = deadlineNs - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(left / 1_000_000 + 1, 50));
        }
    }

    /** The once-a-second interval tick and progress line, on its own platform thread. */
    private final class Reporter extends Thread {
        private final Run run;
        private final int primary;
        private volatile boolean done;
        private long lastTickNs = System.nanoTime();
        final MeasuredCost cost = new MeasuredCost();

        Reporter(Run run, int primary) {
            super("loadgen-reporter");
            setDaemon(true);
            this.run = run;
            this.primary = primary;
        }

        @Override
        public void run() {
            while (!done) {
                // Ticks fall on whole seconds from the end of the warm-up, so written intervals are the
                // measured seconds exactly (the last one, up to the end of the drain, is partial).
                long anchor = run.warmupEndNs() == Long.MAX_VALUE ? run.baseNs : run.warmupEndNs();
                long now = System.nanoTime();
                long next = anchor + (Math.floorDiv(now - anchor, SECOND_NS) + 1) * SECOND_NS;
                LockSupport.parkNanos(this, next - now);
                if (!done && System.nanoTime() - next >= 0) {
                    tick();
                } // else woken early: the phases were just set, re-anchor
            }
        }

        private synchronized void tick() {
            long now = System.nanoTime();
            // An interval is written when it starts after the warm-up (1 ms of tolerance for the tick's lateness).
            boolean write = recordsSetUp() || lastTickNs - run.warmupEndNs() >= -1_000_000L;
            run.log.tick(write);
            cost.sample(run, now - run.warmupEndNs() >= 0);
            lastTickNs = now;
            if (!quiet) {
                stderr.println(progress(now));
            }
        }

        private String progress(long now) {
            long loadStart = run.loadStartNs();
            String phase;
            double elapsed;
            if (loadStart == Long.MAX_VALUE) {
                phase = "set-up";
                elapsed = (now - run.baseNs) / 1e9;
            } else if (now - run.warmupEndNs() < 0) {
                phase = "warm-up";
                elapsed = (now - loadStart) / 1e9;
            } else if (now - run.endNs() < 0) {
                phase = "measure";
                elapsed = (now - loadStart) / 1e9;
            } else {
                phase = "drain";
                elapsed = (now - loadStart) / 1e9;
            }
            Histogram h = run.log.cumulative(primary);
            int open = run.group.openCount();
            return String.format(Locale.ROOT,
                    "[%6.1fs %-7s] open %d  sent %d  recv %d  errors %d  %s p50 %.3f ms  p99 %.3f ms",
                    elapsed, phase, open, run.sent.sum(), run.received.sum(), run.errors.total(),
                    primarySeries(), h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(50) / 1e6,
                    h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1e6);
        }

        void finish() throws InterruptedException {
            done = true;
            LockSupport.unpark(this);
            join(2_000);
            tick(); // the last, partial interval
        }
    }

    /**
     * What the measured time cost the machine, sampled at the reporter's ticks from the end of the warm-up
     * to the end of the run: bytes allocated by the generator's loop threads (its hot path should allocate
     * nothing, so this is about 0 per message), the generator's CPU time, and with {@code --server-pid}
     * the server's CPU time ({@code utime + stime} from {@code /proc/<pid>/stat}), per message, and of it
     * the time of a HotSpot server's JIT compiler threads (what is still warm-up, not serving).
     */
    final class MeasuredCost {
        private CompilerThreadTicks compilerThreads;
        private long firstBytes = -1;
        private long firstMessages;
        private long firstDeliveries;
        private long firstCpuNs;
        private long firstServerTicks;
        private long firstJitTicks;
        private long lastBytes;
        private long lastMessages;
        private long lastDeliveries;
        private long lastCpuNs;
        private long lastServerTicks;
        private long lastJitTicks;

        /**
         * Reads the counters; keeps them only when {@code measured}. The warm-up reads them too: the first read
         * loads the JDK's management classes, tens of milliseconds on the generator's core that showed as a
         * p99 of about 3 ms in every server's first measured second.
         */
        void sample(Run run, boolean measured) {
            if (!(java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)) {
                return;
            }
            long[] ids = java.util.Arrays.stream(run.group.loops()).mapToLong(relay.loadgen.net.EventLoop::threadId).toArray();
            long bytes = java.util.Arrays.stream(mx.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
            long cpu = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
            long server = serverCpuTicks();
            long jit = jitTicks();
            long messages = run.sent.sum() + run.received.sum();
            if (!measured) {
                return;
            }
            if (firstBytes < 0) {
                firstBytes = bytes;
                firstMessages = messages;
                firstDeliveries = run.received.sum();
                firstCpuNs = cpu;
                firstServerTicks = server;
                firstJitTicks = jit;
            }
            lastBytes = bytes;
            lastMessages = messages;
            lastDeliveries = run.received.sum();
            lastCpuNs = cpu;
            lastServerTicks = server;
            lastJitTicks = jit;
        }

        void addTo(Map<String, Object> results) {
            long messages = lastMessages - firstMessages;
            if (firstBytes < 0 || messages <= 0) {
                return;
            }
            results.put("loadgenLoopBytesPerMessage", Math.round((lastBytes - firstBytes) * 10.0 / messages) / 10.0);
            if (firstCpuNs >= 0) {
                results.put("loadgenCpuUsPerMessage", Math.round((lastCpuNs - firstCpuNs) / 1e3 * 100 / messages) / 100.0);
            }
            long deliveries = lastDeliveries - firstDeliveries;
            if (firstServerTicks >= 0 && lastServerTicks >= 0 && deliveries > 0) {
                // /proc/<pid>/stat counts in clock ticks, 100 per second on Linux (USER_HZ)
                double us = (lastServerTicks - firstServerTicks) * 10_000.0;
                results.put("serverCpuUsPerDelivery", Math.round(us * 100 / deliveries) / 100.0);
            }
            if (firstJitTicks >= 0 && lastJitTicks >= 0 && deliveries > 0) {
                double us = (lastJitTicks - firstJitTicks) * 10_000.0;
                results.put("serverJitCpuUsPerDelivery", Math.round(us * 100 / deliveries) / 100.0);
            }
        }

        private long jitTicks() {
            if (serverPid == null) {
                return -1;
            }
            if (compilerThreads == null) {
                compilerThreads = new CompilerThreadTicks(serverPid);
            }
            return compilerThreads.read();
        }

        private long serverCpuTicks() {
            if (serverPid == null) {
                return -1;
            }
            try {
                return ProcessResources.cpuTicks(Files.readString(Path.of("/proc", serverPid.toString(), "stat")));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    /** Counts the outcome of a connection that failed or closed unexpectedly. */
    protected static void countClose(Run run, int code, String reason, boolean initiatedByUs) {
        if (!initiatedByUs && !run.stopping()) {
            run.errors.add("closed " + code + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
        }
    }

    protected static List<String> withSendLag(String... names) {
        List<String> list = new ArrayList<>(List.of(names));
        list.add(SEND_LAG);
        return list;
    }

    /** Per-connection read buffer of the client; scenarios holding many idle connections use less. */
    protected int readBufferBytes() {
        return bufferBytes(WsConnection.DEFAULT_READ_BUFFER_BYTES, connectionCount(), Runtime.getRuntime().maxMemory());
    }

    /** Per-connection write buffer of the client. */
    protected int writeBufferBytes() {
        return bufferBytes(WsConnection.DEFAULT_WRITE_BUFFER_BYTES, connectionCount(), Runtime.getRuntime().maxMemory());
    }

    /**
     * A client buffer's size: the default, or less when {@code connections} connections with default buffers
     * would take more than a third of the heap (at 384 KiB each, 15,000 connections filled a 6 GB heap), never
     * below {@link #MIN_BUFFER_BYTES}. A message larger than the write buffer fails as "send buffer full".
     */
    static int bufferBytes(int defaultBytes, int connections, long maxHeapBytes) {
        long perConnection = maxHeapBytes / 3 / Math.max(1, connections);
        long defaults = WsConnection.DEFAULT_READ_BUFFER_BYTES + WsConnection.DEFAULT_WRITE_BUFFER_BYTES;
        if (perConnection >= defaults) {
            return defaultBytes;
        }
        return (int) Math.max(MIN_BUFFER_BYTES, defaultBytes * perConnection / defaults);
    }
}
