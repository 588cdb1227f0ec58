package relay.loadgen.scenario;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.loadgen.net.WsConnection;

/**
 * {@code signaling}: a storm of P peer pairs connecting at once, each peer registering in its pair's room;
 * then each caller sends offers at a fixed rate and its callee answers every offer at once with an answer
 * and an ICE candidate carrying the offer's stamp. Series: {@code setup} (connect start to
 * {@code registered}), {@code offer} (caller to callee), {@code answer} and {@code ice} (caller's offer to
 * the callee's reply arriving back), {@code send-lag}. The storm is part of the measurement (no warm-up by
 * default); offers start as soon as a pair is registered.
 */
@Command(name = "signaling", mixinStandardHelpOptions = true,
        description = "A storm of peer pairs registering in rooms and exchanging offer/answer/ICE.")
public final class SignalingScenario extends Scenario {
    private static final byte[] OFFER = "\"offer\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = "\"answer\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ICE = "\"ice_candidate\"".getBytes(StandardCharsets.UTF_8);

    @Option(names = {"-P", "--pairs"}, defaultValue = "500", description = "Peer pairs (one room each). Default: ${DEFAULT-VALUE}")
    int pairs;

    @Option(names = {"-r", "--rate"}, defaultValue = "2", description = "Offers per second per pair. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = {"-s", "--size"}, defaultValue = "512", description = "Size of an offer's sdp in bytes. Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--client-url", description = "Callees connect here instead of --url: another node of a relay cluster, to measure across nodes (docs/cluster.md). Default: --url")
    java.net.URI clientUrl;

    @Option(names = "--path", defaultValue = "/signaling", description = "Path. Default: ${DEFAULT-VALUE}")
    String path;

    private int setupSeries;
    private int offerSeries;
    private int answerSeries;
    private int iceSeries;

    @Override
    protected String name() {
        return "signaling";
    }

    @Override
    protected List<String> series() {
        return withSendLag("answer", "offer", "ice", "setup");
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
        return 2 * pairs;
    }

    private final class Peer extends Participant {
        final String id;
        final String peerId;
        final String room;
        final boolean caller;
        CountDownLatch registered;
        MessageTemplate offer;
        MessageTemplate answer;
        MessageTemplate ice;
        boolean started;

        Peer(int pair, boolean caller) {
            this.caller = caller;
            this.id = (caller ? "a" : "b") + pair;
            this.peerId = (caller ? "b" : "a") + pair;
            this.room = "lg-room-" + pair;
            if (caller) {
                offer = new MessageTemplate("{\"type\":\"offer\",\"target_id\":\"" + peerId + "\",\"sdp\":{", "}}", size);
            } else {
                answer = new MessageTemplate("{\"type\":\"answer\",\"target_id\":\"" + peerId + "\",\"sdp\":{", "}}", 0);
                ice = new MessageTemplate("{\"type\":\"ice_candidate\",\"target_id\":\"" + peerId + "\",\"candidate\":{", "}}", 0);
            }
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            sendSetUp(c, "{\"type\":\"register\",\"client_id\":\"" + id + "\",\"room_id\":\"" + room
                    + "\",\"client_type\":\"loadgen\"}");
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            int pos = Stamp.find(bytes, offset, length);
            if (pos >= 0) {
                long stamp = Stamp.read(bytes, pos);
                if (!caller && Stamp.contains(bytes, offset, length, OFFER)) {
                    run.recordStamped(offerSeries, stamp, nowNs);
                    reply(c, answer.copyStamp(bytes, pos));
                    reply(c, ice.copyStamp(bytes, pos));
                } else if (caller && Stamp.contains(bytes, offset, length, ANSWER)) {
                    run.recordStamped(answerSeries, stamp, nowNs);
                } else if (caller && Stamp.contains(bytes, offset, length, ICE)) {
                    run.recordStamped(iceSeries, stamp, nowNs);
                } else {
                    run.errors.add("wrong answer: unexpected stamped message");
                }
                return;
            }
            String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
            if (text.contains("\"registered\"")) {
                run.log.record(setupSeries, nowNs - c.connectStartNs());
                registered.countDown();
                if (text.contains("\"" + peerId + "\"")) {
                    peerReady(c);
                }
            } else if (text.contains("\"peer_joined\"")) {
                peerReady(c);
            } else if (text.contains("\"error\"")) {
                run.errors.add("error reply: " + errorMessage(text));
            } // peer_left at the end is expected
        }

        /** The callee is registered in the room: the caller starts offering (loop thread). */
        private void peerReady(WsConnection connection) {
            if (caller && !started && run.loadStartNs() != Long.MAX_VALUE) {
                started = true;
                Pacer pacer = new Pacer(run, connection.loop(), rate) {
                    @Override
                    protected boolean send(long intendedNs, long nowNs) {
                        // offer at the callee, answer and ICE back at the caller
                        return offer(connection, Peer.this.offer, intendedNs, 3);
                    }
                };
                pacer.startInLoop(System.nanoTime());
            }
        }

        @Override
        CountDownLatch setUpLatch() {
            return registered;
        }
    }

    @Override
    protected void setUp(Run run, long deadlineNs) {
        setupSeries = run.log.index("setup");
        offerSeries = run.log.index("offer");
        answerSeries = run.log.index("answer");
        iceSeries = run.log.index("ice");
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) throws InterruptedException {
        CountDownLatch registered = new CountDownLatch(2 * pairs);
        for (int i = 0; i < pairs; i++) {
            for (boolean caller : new boolean[] {true, false}) {
                Peer p = new Peer(i, caller);
                p.run = run;
                p.registered = registered;
                if (clientUrl != null && !caller) {
                    run.group.open(clientUrl, path, p);
                } else {
                    run.group.open(path, p);
                }
            }
        }
    }
}
