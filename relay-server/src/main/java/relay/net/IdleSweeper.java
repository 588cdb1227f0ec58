package relay.net;

import java.util.ArrayList;
import java.util.List;
import relay.config.Limits;

/**
 * Enforces the time limits of every connection from one periodic task: handshakes that take too long,
 * idle connections (pinged, then dropped if they stay silent), and closing handshakes the peer never
 * finishes. Runs on the shared scheduler; each pass is a scan of the live set, a few comparisons each.
 * The Pings a pass finds due for parked connections go out spread over the period ({@link KeepAlivePacer});
 * the others' from one virtual thread started after the pass.
 */
public final class IdleSweeper implements Runnable {
    private final NetContext context;
    private final long handshakeTimeoutNs;
    private final long pingIntervalNs;
    private final long pongTimeoutNs;
    private final long closeTimeoutNs;
    private final KeepAlivePacer pings;
    /** Connections this pass found due for a Ping that are not parked: pinged after it from a virtual thread. */
    private final List<Connection> pingNow = new ArrayList<>();

    public IdleSweeper(NetContext context) {
        this.context = context;
        Limits limits = context.limits();
        this.handshakeTimeoutNs = limits.handshakeTimeoutMs() * 1_000_000;
        this.pingIntervalNs = limits.pingIntervalMs() * 1_000_000;
        this.pongTimeoutNs = limits.pongTimeoutMs() * 1_000_000;
        this.closeTimeoutNs = limits.closeTimeoutMs() * 1_000_000;
        this.pings = new KeepAlivePacer(context.scheduler(), context.clock(), periodMs(limits));
    }

    /** How often to sweep: fine enough for the shortest configured limit, at most once a second. */
    public static long periodMs(Limits limits) {
        long shortest = Math.min(Math.min(limits.handshakeTimeoutMs(), limits.pingIntervalMs()),
                Math.min(limits.pongTimeoutMs(), limits.closeTimeoutMs()));
        return Math.max(10, Math.min(1000, shortest / 4));
    }

    @Override
    public void run() {
        long now = context.clock().nanoTime();
        context.connections().forEach(c -> sweep(c, now));
        pings.spread();
        VirtualThreadBatch.drain("relay-keepalive", pingNow, Connection::sendKeepAlivePing);
    }

    /** Pings to parked connections found due and not sent yet (they go out over the period after the pass). */
    int pingsWaiting() {
        return pings.waiting();
    }

    void sweep(Connection c, long now) {
        switch (c.phase()) {
            case HANDSHAKE -> {
                // the channel check counts a timeout once, not again on each pass until the reader has released it
                if (now - c.acceptedAtNs > handshakeTimeoutNs && c.channel().isOpen()) {
                    context.metrics().countHandshakeFailure("timeout");
                    c.abort();
                }
            }
            case OPEN -> {
                c.writer().retireIfIdleSince(now - ConnectionWriter.IDLE_EXIT_NS);
                long pingSent = c.pingSentAtNs;
                if (pingSent != 0) {
                    if (now - pingSent > pongTimeoutNs) {
                        c.abort(); // silent for a whole ping interval and pong timeout: the peer is gone
                    }
                } else if (now - c.lastReadAtNs > pingIntervalNs) {
                    c.pingSentAtNs = now; // marked now, so the next pass does not queue it again
                    if (c.writer().isParked()) {
                        pings.add(c); // the one parker thread writes it: spread out
                    } else {
                        pingNow.add(c); // its own writer thread writes it
                    }
                }
            }
            case CLOSING -> {
                if (c.isCloseSent() && now - c.closeSentAtNs > closeTimeoutNs) {
                    c.abort();
                }
            }
            case CLOSED -> { }
        }
    }
}
