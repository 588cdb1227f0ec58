package relay.loadgen.scenario;

import relay.loadgen.net.EventLoop;
import relay.loadgen.net.Timer;
import relay.loadgen.net.WsConnection;

/**
 * Open-loop sending at a fixed rate: message k is due at {@code first + k * interval} whatever happened to
 * earlier ones, and is stamped with that intended time. If the loop falls behind (a GC pause, a slow
 * server filling the socket) the overdue messages go out at once, still stamped with their intended
 * times, so the wait they suffered counts in the latency: HdrHistogram's coordinated-omission correction
 * done at the source. Stops at the run's end. Runs on one loop thread; allocation-free per tick.
 *
 * <p>A pacer that sends on a connection does it through {@link #offer}, so that every scenario counts what
 * it sent, what it expects back and what the connection refused the same way.
 */
public abstract class Pacer extends Timer {
    protected final Run run;
    protected final EventLoop loop;
    private final long intervalNs;
    private long nextNs;

    protected Pacer(Run run, EventLoop loop, double ratePerSecond) {
        this.run = run;
        this.loop = loop;
        this.intervalNs = Math.max(1, Math.round(1e9 / ratePerSecond));
    }

    /** Starts pacing at {@code firstNs} (any thread). */
    public void start(long firstNs) {
        loop.execute(() -> startInLoop(firstNs));
    }

    /**
     * Starts the {@code index}-th of {@code count} pacers (any thread), their first sends spread over one
     * interval from {@code loadStartNs} so that they do not all send at the same instant.
     */
    public void startSpread(long loadStartNs, int index, int count) {
        start(loadStartNs + (long) (intervalNs * (index / (double) count)));
    }

    /** Starts pacing at {@code firstNs}; loop thread. */
    public void startInLoop(long firstNs) {
        nextNs = firstNs;
        loop.schedule(this, firstNs);
    }

    @Override
    protected final void fire(long nowNs) {
        long endNs = run.endNs();
        while (nextNs - nowNs <= 0 && nextNs - endNs < 0 && !run.stopping()) {
            run.recordSendLag(nextNs, nowNs);
            if (!send(nextNs, nowNs)) {
                return; // the connection is gone: stop pacing it
            }
            nextNs += intervalNs;
        }
        if (nextNs - endNs < 0 && !run.stopping()) {
            loop.schedule(this, nextNs);
        }
    }

    /** Sends the message intended for {@code intendedNs}; false stops this pacer. */
    protected abstract boolean send(long intendedNs, long nowNs);

    /**
     * Stamps {@code message} with {@code intendedNs} and queues it on {@code c} as a text frame: queued, it
     * counts as sent and adds {@code deliveries} to the deliveries expected; refused, it is counted by
     * {@link Run#refused}. Returns whether pacing goes on: false once the connection is gone.
     */
    protected final boolean offer(WsConnection c, MessageTemplate message, long intendedNs, long deliveries) {
        return offer(c, message, intendedNs, deliveries, false);
    }

    /** As {@link #offer(WsConnection, MessageTemplate, long, long)}, as a binary frame if {@code binary}. */
    protected final boolean offer(WsConnection c, MessageTemplate message, long intendedNs, long deliveries, boolean binary) {
        byte[] bytes = message.stamp(run.stampOf(intendedNs));
        boolean queued = binary ? c.sendBinary(bytes, 0, bytes.length) : c.sendText(bytes, 0, bytes.length);
        if (!queued) {
            return run.refused(c);
        }
        run.sent.increment();
        run.expected.add(deliveries);
        return true;
    }
}
