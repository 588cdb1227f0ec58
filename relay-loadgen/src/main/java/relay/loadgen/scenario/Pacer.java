package relay.loadgen.scenario;

import relay.loadgen.net.EventLoop;
import relay.loadgen.net.Timer;

/**
 * Open-loop sending at a fixed rate: message k is due at {@code first + k * interval} whatever happened to
 * earlier ones, and is stamped with that intended time. If the loop falls behind (a GC pause, a slow
 * server filling the socket) the overdue messages go out at once, still stamped with their intended
 * times, so the wait they suffered counts in the latency: HdrHistogram's coordinated-omission correction
 * done at the source. Stops at the run's end. Runs on one loop thread; allocation-free per tick.
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

    public long intervalNs() {
        return intervalNs;
    }

    /** Starts pacing at {@code firstNs} (any thread). */
    public void start(long firstNs) {
        loop.execute(() -> startInLoop(firstNs));
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
}
