package relay.loadgen.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One selector thread driving many {@link WsConnection}s and the {@link Timer}s that pace their sends. Every
 * connection, and every timer, belongs to exactly one loop and is touched only by its thread, so nothing on
 * the hot path locks. Sends made during one pass are gathered per connection and flushed once at the end
 * of the pass (one write call per connection per pass).
 *
 * <p>Timer precision: epoll's timeout is in milliseconds, so a loop waiting for a timer less than a
 * millisecond away arms a {@link Ticker} platform thread that parks for the exact remainder and wakes the
 * selector. Sends therefore leave within tens of microseconds of their intended time instead of up to a
 * millisecond late; what lateness remains is recorded by the scenarios as the {@code send-lag} series, and
 * counts in every latency because latency is measured from the intended time.
 */
public final class EventLoop implements Runnable {
    private static final long MS = 1_000_000L;

    private final Selector selector;
    private final Thread thread;
    private final Ticker ticker;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final TimerHeap timers = new TimerHeap();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private WsConnection[] dirty = new WsConnection[64];
    private int dirtyCount;
    private volatile boolean running = true;

    public EventLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
        this.ticker = new Ticker(selector, name + "-ticker");
    }

    public void start() {
        ticker.start();
        thread.start();
    }

    public long threadId() {
        return thread.threadId();
    }

    /** Runs a task on the loop thread (set-up and tear-down only: it allocates). */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Schedules (or moves) a timer; loop thread only. */
    public void schedule(Timer timer, long dueNs) {
        timer.dueNs = dueNs;
        timers.add(timer);
    }

    public void cancel(Timer timer) {
        timers.remove(timer);
    }

    Selector selector() {
        return selector;
    }

    void markDirty(WsConnection connection) {
        if (connection.dirty) {
            return;
        }
        connection.dirty = true;
        if (dirtyCount == dirty.length) {
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = connection;
    }

    /** Stops the loop after its current pass; connections are left as they are (close them first). */
    public void stop() {
        running = false;
        ticker.stop();
        selector.wakeup();
    }

    public void join(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
    }

    @Override
    public void run() {
        try {
            while (running) {
                runTasks();
                runTimers();
                flushDirty();
                long waitNs = timers.isEmpty() ? 100 * MS : timers.peek().dueNs - System.nanoTime();
                if (waitNs <= 0 || !tasks.isEmpty()) {
                    selector.selectNow(onKey);
                } else if (waitNs >= MS) {
                    selector.select(onKey, waitNs / MS);
                } else {
                    ticker.arm(System.nanoTime() + waitNs);
                    selector.select(onKey, 1);
                    ticker.disarm();
                }
                flushDirty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().dueNs - now <= 0) {
            timers.poll().fire(now);
        }
    }

    private void flushDirty() {
        for (int i = 0; i < dirtyCount; i++) {
            WsConnection c = dirty[i];
            dirty[i] = null;
            c.dirty = false;
            c.flush();
        }
        dirtyCount = 0;
    }

    private void onKey(SelectionKey key) {
        ((WsConnection) key.attachment()).onReady(key);
    }

    /** Wakes a selector at a precise time shorter than epoll's one-millisecond granularity. */
    private static final class Ticker implements Runnable {
        private final Selector selector;
        private final Thread thread;
        private volatile long armedNs;
        private volatile boolean running = true;

        Ticker(Selector selector, String name) {
            this.selector = selector;
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void arm(long dueNs) {
            armedNs = dueNs;
            LockSupport.unpark(thread);
        }

        void disarm() {
            armedNs = 0;
        }

        void stop() {
            running = false;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (running) {
                long due = armedNs;
                if (due == 0) {
                    LockSupport.park(this);
                    continue;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                    continue;
                }
                if (armedNs == due) {
                    armedNs = 0;
                    selector.wakeup();
                }
            }
        }
    }
}
