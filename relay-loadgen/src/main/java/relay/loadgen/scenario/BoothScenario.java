package relay.loadgen.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.loadgen.net.WsConnection;

/**
 * {@code booth}: P booth/scanner pairs. Each scanner sends {@code relay_message} at a fixed rate; its booth
 * answers each {@code message_from_scanner} at once with a {@code relay_message} carrying the same stamp.
 * Series: {@code one-way} (scanner to booth), {@code round-trip} (scanner to booth to scanner), {@code send-lag}.
 */
@Command(name = "booth", mixinStandardHelpOptions = true,
        description = "P booth/scanner pairs; scanners send at a fixed rate, booths answer at once.")
public final class BoothScenario extends Scenario {
    private static final byte[] FROM_SCANNER = "message_from_scanner".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FROM_BOOTH = "message_from_booth".getBytes(StandardCharsets.UTF_8);

    @Option(names = {"-P", "--pairs"}, defaultValue = "100", description = "Booth/scanner pairs. Default: ${DEFAULT-VALUE}")
    int pairs;

    @Option(names = {"-r", "--rate"}, defaultValue = "5", description = "Round trips per second per pair. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = {"-s", "--size"}, defaultValue = "128", description = "Size of the scanner's message in bytes. Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--client-url", description = "Scanners connect here instead of --url: another node of a relay cluster, to measure across nodes (docs/cluster.md). Default: --url")
    java.net.URI clientUrl;

    @Option(names = "--path", defaultValue = "/booth", description = "Path (peers route on any path). Default: ${DEFAULT-VALUE}")
    String path;

    @Option(names = "--booth-prefix", defaultValue = "lg-booth-", description = "booth_id prefix. Default: ${DEFAULT-VALUE}")
    String boothPrefix;

    private final List<Pair> pairList = new ArrayList<>();

    @Override
    protected String name() {
        return "booth";
    }

    @Override
    protected List<String> series() {
        return withSendLag("round-trip", "one-way");
    }

    @Override
    protected int connectionCount() {
        return 2 * pairs;
    }

    private final class Pair {
        final String boothId;
        WsConnection scanner;
        final MessageTemplate request = new MessageTemplate("{\"type\":\"relay_message\",\"data\":{", "}}", size);
        final MessageTemplate answer = new MessageTemplate("{\"type\":\"relay_message\",\"data\":{", "}}", 0);

        Pair(int index) {
            this.boothId = boothPrefix + index;
        }
    }

    private final class Booth extends Participant {
        final Pair pair;
        int oneWay;
        CountDownLatch registered;

        Booth(Pair pair) {
            this.pair = pair;
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            sendSetUp(c, "{\"type\":\"register_booth\",\"booth_id\":\"" + pair.boothId + "\"}");
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            int pos = Stamp.find(bytes, offset, length);
            if (pos >= 0 && Stamp.contains(bytes, offset, length, FROM_SCANNER)) {
                run.recordStamped(oneWay, Stamp.read(bytes, pos), nowNs);
                reply(c, pair.answer.copyStamp(bytes, pos));
                return;
            }
            String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
            if (text.contains("registration_success")) {
                registered.countDown();
            } else if (text.contains("\"error\"")) {
                run.errors.add("error reply to booth: " + errorMessage(text));
            } // scanner_connected and other notices are expected during set-up
        }

        @Override
        CountDownLatch setUpLatch() {
            return registered;
        }
    }

    private final class Scanner extends Participant {
        final Pair pair;
        int roundTrip;
        CountDownLatch connected;

        Scanner(Pair pair) {
            this.pair = pair;
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            sendSetUp(c, "{\"type\":\"connect_scanner\",\"booth_id\":\"" + pair.boothId + "\"}");
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            int pos = Stamp.find(bytes, offset, length);
            if (pos >= 0 && Stamp.contains(bytes, offset, length, FROM_BOOTH)) {
                run.recordStamped(roundTrip, Stamp.read(bytes, pos), nowNs);
                return;
            }
            String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
            if (text.contains("connection_success")) {
                connected.countDown();
            } else if (text.contains("\"error\"")) {
                run.errors.add("error reply to scanner: " + errorMessage(text));
            } else if (!text.contains("booth_disconnected") && !run.stopping()) {
                // booth_disconnected is expected while the run closes its connections
                run.errors.add("wrong answer: unexpected message to scanner");
            }
        }

        @Override
        CountDownLatch setUpLatch() {
            return connected;
        }
    }

    @Override
    protected void setUp(Run run, long deadlineNs) throws InterruptedException {
        CountDownLatch registered = new CountDownLatch(pairs);
        for (int i = 0; i < pairs; i++) {
            Pair pair = new Pair(i);
            Booth booth = new Booth(pair);
            booth.run = run;
            booth.oneWay = run.log.index("one-way");
            booth.registered = registered;
            run.group.open(path, booth);
            pairList.add(pair);
        }
        if (!await(registered, deadlineNs)) {
            run.errors.add("registration timeout", registered.getCount());
        }
        CountDownLatch connected = new CountDownLatch(pairs);
        for (Pair pair : pairList) {
            Scanner scanner = new Scanner(pair);
            scanner.run = run;
            scanner.roundTrip = run.log.index("round-trip");
            scanner.connected = connected;
            pair.scanner = clientUrl == null ? run.group.open(path, scanner) : run.group.open(clientUrl, path, scanner);
        }
        if (!await(connected, deadlineNs)) {
            run.errors.add("scanner connection timeout", connected.getCount());
        }
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) {
        int n = 0;
        for (Pair pair : pairList) {
            WsConnection scanner = pair.scanner;
            if (!scanner.isOpen()) {
                continue;
            }
            Pacer pacer = new Pacer(run, scanner.loop(), rate) {
                @Override
                protected boolean send(long intendedNs, long nowNs) {
                    return offer(scanner, pair.request, intendedNs, 2); // one-way at the booth, round trip back at the scanner
                }
            };
            pacer.startSpread(loadStartNs, n++, pairs);
        }
    }
}
