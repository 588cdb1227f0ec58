package relay.net;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the keep-alive Pings a sweep found due for parked connections spread evenly over one sweep period,
 * instead of all in the pass that found them. Clients that connect together (a fleet after a restart, a
 * game room, a load test) fall silent together, so unpaced they are pinged together every interval, and
 * the Pings and Pongs of a thousand parked connections hold up the one parker thread's deliveries for
 * milliseconds at a time.
 *
 * <p>Only parked connections are paced. The Ping of a connection that is not parked (its client talks, or
 * it is sent to too often to park) is written by its own writer thread, and the sweeper offers it right
 * after the pass from a virtual thread. Spreading those out from this platform thread raised the tail at
 * saturation in every round measured: each batch woke writers into the scheduler's external queue
 * (docs/performance.md, "Keep-alive Pings at saturation").
 *
 * <p>Runs only on the server's scheduler thread, as the sweeper does, so it needs no synchronisation. The
 * first batch goes out in the pass itself.
 */
final class KeepAlivePacer {
    /** How far apart the batches go out. */
    static final long TICK_MS = 10;

    private final ArrayDeque<Connection> due = new ArrayDeque<>();
    private final ScheduledExecutorService scheduler;
    private final NanoClock clock;
    private final long ticksPerPeriod;
    private int perTick;
    private boolean draining;

    KeepAlivePacer(ScheduledExecutorService scheduler, NanoClock clock, long periodMs) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.ticksPerPeriod = Math.max(1, periodMs / TICK_MS);
    }

    /** A connection the sweeper found silent for the ping interval; it has marked it pinged. */
    void add(Connection c) {
        due.add(c);
    }

    /** Called at the end of a pass: spreads everything due (this pass's and any left over) over one period. */
    void spread() {
        if (due.isEmpty()) {
            return;
        }
        perTick = (int) ((due.size() + ticksPerPeriod - 1) / ticksPerPeriod);
        if (!draining) {
            draining = true;
            sendBatch();
        }
    }

    int waiting() {
        return due.size();
    }

    private void sendBatch() {
        for (int i = 0; i < perTick && !due.isEmpty(); i++) {
            ping(due.poll());
        }
        if (due.isEmpty()) {
            draining = false;
        } else {
            scheduler.schedule(this::sendBatch, TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void ping(Connection c) {
        // a connection that spoke meanwhile (its reader cleared the mark) or has closed needs no Ping
        if (c.phase() == Connection.Phase.OPEN && c.pingSentAtNs != 0) {
            c.pingSentAtNs = clock.nanoTime(); // the pong timeout counts from the Ping itself
            c.sendKeepAlivePing();
        }
    }
}
