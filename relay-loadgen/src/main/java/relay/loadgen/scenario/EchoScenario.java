package relay.loadgen.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.loadgen.net.BlockingWsClient;
import relay.loadgen.net.WsConnection;

/**
 * {@code echo}: N connections to {@code /echo}, each sending S-byte messages at R per second; latency is the
 * echo's arrival minus the intended send time. The simplest round trip through relay's network layer, and
 * the measure of the load generator's own ceiling.
 */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "N connections to /echo sending at a fixed rate each; round-trip latency per message.")
public final class EchoScenario extends Scenario {
    @Option(names = {"-c", "--connections"}, defaultValue = "10", description = "Connections. Default: ${DEFAULT-VALUE}")
    int connections;

    @Option(names = {"-r", "--rate"}, defaultValue = "100", description = "Messages per second per connection. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = {"-s", "--size"}, defaultValue = "128", description = "Message size in bytes. Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--binary", description = "Send binary frames instead of text.")
    boolean binary;

    @Option(names = "--path", defaultValue = "/echo", description = "Path. Default: ${DEFAULT-VALUE}")
    String path;

    @Option(names = "--engine", defaultValue = "nio",
            description = "Client engine: nio (selector loops, the default) or virtual (a blocking socket, a reader "
                    + "and a pacer virtual thread per connection; for comparison). Default: ${DEFAULT-VALUE}")
    String engine;

    private final List<BlockingWsClient> virtualClients = new CopyOnWriteArrayList<>();

    @Override
    protected String name() {
        return "echo";
    }

    @Override
    protected List<String> series() {
        return withSendLag("echo");
    }

    @Override
    protected int connectionCount() {
        return connections;
    }

    private final java.util.ArrayList<WsConnection> opened = new java.util.ArrayList<>();

    @Override
    protected void setUp(Run run, long deadlineNs) throws InterruptedException {
        if (engine.equals("virtual")) {
            setUpVirtual(run, deadlineNs);
            return;
        }
        CountDownLatch ready = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            StampedClient client = new StampedClient(run, ready, "echo", size);
            WsConnection c = run.group.open(path, client);
            c.attach(client);
            opened.add(c);
        }
        if (!await(ready, deadlineNs)) {
            run.errors.add("connect timeout", ready.getCount());
        }
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) {
        if (engine.equals("virtual")) {
            startVirtual(run, loadStartNs);
            return;
        }
        for (WsConnection c : opened) {
            if (!c.isOpen()) {
                continue;
            }
            StampedClient client = c.attachment();
            Pacer pacer = new Pacer(run, c.loop(), rate) {
                @Override
                protected boolean send(long intendedNs, long nowNs) {
                    return offer(c, client.message, intendedNs, 1, binary);
                }
            };
            pacer.startSpread(loadStartNs, c.id(), connections);
        }
    }

    private void setUpVirtual(Run run, long deadlineNs) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(connections);
        int series = run.log.index("echo");
        InetSocketAddress remote = new InetSocketAddress(url.getHost(), url.getPort());
        for (int i = 0; i < connections; i++) {
            Thread.ofVirtual().name("echo-reader-" + i).start(() -> {
                BlockingWsClient client;
                try {
                    client = BlockingWsClient.connect(remote, path, new BlockingWsClient.Receiver() {
                        @Override
                        public void onMessage(byte[] bytes, int offset, int length, long nowNs) {
                            run.recordStamped(series, Stamp.findAndRead(bytes, offset, length), nowNs);
                        }

                        @Override
                        public void onEnd(String kind) {
                            if (kind != null && !run.stopping()) {
                                run.errors.add(kind);
                            }
                        }
                    });
                } catch (IOException e) {
                    run.errors.add(WsConnection.errorKind(e)); // the kinds the nio engine counts
                    ready.countDown();
                    return;
                }
                virtualClients.add(client);
                ready.countDown();
                client.readLoop();
            });
        }
        if (!await(ready, deadlineNs)) {
            run.errors.add("connect timeout", ready.getCount());
        }
    }

    /** One pacer virtual thread per connection: park until the next intended time, send what is due. */
    private void startVirtual(Run run, long loadStartNs) {
        long intervalNs = Math.max(1, Math.round(1e9 / rate));
        int n = 0;
        for (BlockingWsClient client : virtualClients) {
            long first = loadStartNs + (long) (intervalNs * (n++ / (double) connections));
            MessageTemplate message = new MessageTemplate("{", "}", size);
            Thread.ofVirtual().start(() -> {
                long next = first;
                long end = run.endNs();
                while (next - end < 0 && !run.stopping()) {
                    long now = System.nanoTime();
                    if (next - now > 0) {
                        LockSupport.parkNanos(next - now);
                        continue;
                    }
                    while (next - now <= 0 && next - end < 0) {
                        run.recordSendLag(next, now);
                        byte[] bytes = message.stamp(run.stampOf(next));
                        if (!client.sendText(bytes, 0, bytes.length)) {
                            return;
                        }
                        run.sent.increment();
                        run.expected.increment();
                        next += intervalNs;
                    }
                }
            });
        }
    }

    @Override
    protected void tearDown(Run run) {
        virtualClients.forEach(BlockingWsClient::close);
    }
}
