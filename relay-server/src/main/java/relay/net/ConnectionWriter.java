package relay.net;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jctools.queues.MpscChunkedArrayQueue;
import relay.metrics.Metrics;

/**
 * The only writer of one connection's socket, on its own virtual thread. Any thread may queue frames: data
 * frames go to a bounded lock-free MPSC queue (bounded in messages and in bytes); Pong, Ping and Close wait
 * in single slots that are written ahead of queued data. The writer drains everything pending into one
 * pooled direct buffer and sends it with one write call, so a burst of small frames costs one syscall.
 *
 * <p>Frames are immutable encoded {@code byte[]}s shared between recipients; nothing here mutates them.
 * Once a Close frame is written the writer half-closes the socket (FIN) and ends; nothing is written after
 * a Close.
 */
final class ConnectionWriter implements Runnable {
    /** A writer parked with nothing to do for this long is retired by the sweeper; the next frame starts a new one. */
    static final long IDLE_EXIT_NS = 2_000_000_000L;
    /** {@link #running} while the connection is parked: no writer may start, the channel is not blocking. */
    private static final int PARKED = 2;
    /** {@link #writeWhileParked}: the connection must be resumed for its writer thread to carry on. */
    static final int RESUME = -1;
    /**
     * More data frames than this waiting for one parked write means the parker's one thread is falling
     * behind (at light load it finds one): the connection gets its own writer thread, which batches.
     */
    static final int MAX_PARKED_BATCH_FRAMES = 4;
    private static final VarHandle WAKE;
    private static final VarHandle RUNNING;
    private static final VarHandle DATA;
    /** Stands in for a queue never created; only ever read (an empty MPSC queue's consumer side writes nothing). */
    private static final MpscChunkedArrayQueue<byte[]> NO_DATA = new MpscChunkedArrayQueue<>(2, 4);
    private static final VarHandle QUEUED_BYTES;
    private static final VarHandle QUEUED_MESSAGES;
    private static final VarHandle PONG;
    private static final VarHandle PING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WAKE = lookup.findVarHandle(ConnectionWriter.class, "wake", int.class);
            RUNNING = lookup.findVarHandle(ConnectionWriter.class, "running", int.class);
            DATA = lookup.findVarHandle(ConnectionWriter.class, "data", MpscChunkedArrayQueue.class);
            QUEUED_BYTES = lookup.findVarHandle(ConnectionWriter.class, "queuedBytes", long.class);
            QUEUED_MESSAGES = lookup.findVarHandle(ConnectionWriter.class, "queuedMessages", int.class);
            PONG = lookup.findVarHandle(ConnectionWriter.class, "pendingPong", byte[].class);
            PING = lookup.findVarHandle(ConnectionWriter.class, "pendingPing", byte[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SocketChannel channel;
    /** Created by the first data frame: a connection that is never sent to keeps no queue (about 600 bytes). */
    private volatile MpscChunkedArrayQueue<byte[]> data;
    private final int maxMessages;
    private final long maxQueuedBytes;
    private final WriteBufferPool buffers;
    private final Metrics metrics;
    private final Runnable onWriteFailure;
    private final Runnable onCloseWritten;
    private final Runnable onWakeWhileParked;
    /** Takes a wake-up of the writer thread that the calling thread must not do itself; false: do it now. */
    private final Predicate<ConnectionWriter> deferWake;

    private volatile Thread thread;
    /** False until the 101 is written: frames queued before then wait for {@link #start}. */
    private volatile boolean enabled;
    @SuppressWarnings("unused") // accessed through WAKE: 1 while a wake-up is pending
    private volatile int wake;
    @SuppressWarnings("unused") // accessed through RUNNING: 1 while a writer thread exists, PARKED while parked
    private volatile int running;
    @SuppressWarnings("unused") // accessed through QUEUED_BYTES
    private volatile long queuedBytes;
    @SuppressWarnings("unused") // accessed through QUEUED_MESSAGES
    private volatile int queuedMessages;
    @SuppressWarnings("unused") // accessed through PONG
    private volatile byte[] pendingPong;
    @SuppressWarnings("unused") // accessed through PING
    private volatile byte[] pendingPing;
    private volatile byte[] pendingClose;
    /**
     * The unwritten rest of a batch the parker wrote in part; sent first by the next writer thread. Owned by
     * whoever owns the channel (the parker while parked), handed over through {@link #running}.
     */
    private ByteBuffer carry;
    private volatile boolean discardData;
    private volatile boolean stopped;
    /** When the writer thread parked with nothing to do (0 while it works); read by the sweeper. */
    private volatile long parkedSinceNs;
    /** Set by the sweeper: the parked writer should end its thread if it still has nothing to do. */
    private volatile boolean retire;
    private final NanoClock clock;

    ConnectionWriter(SocketChannel channel, int maxMessages, long maxQueuedBytes, WriteBufferPool buffers,
                     Metrics metrics, NanoClock clock, Runnable onWriteFailure, Runnable onCloseWritten,
                     Runnable onWakeWhileParked, Predicate<ConnectionWriter> deferWake) {
        this.channel = channel;
        this.clock = clock;
        // JCTools rounds a queue's capacity up to a power of two (at least 16), so the exact message bound is
        // kept by queuedMessages; the queue itself is created by the first frame (see queue()).
        this.maxMessages = maxMessages;
        this.maxQueuedBytes = maxQueuedBytes;
        this.buffers = buffers;
        this.metrics = metrics;
        this.onWriteFailure = onWriteFailure;
        this.onCloseWritten = onCloseWritten;
        this.onWakeWhileParked = onWakeWhileParked;
        this.deferWake = deferWake;
    }

    /**
     * Allows writing (the 101 is out) and starts a writer thread for anything queued before; with nothing
     * queued the first frame starts one, so that a connection that is never sent to never has a writer.
     */
    void start() {
        enabled = true;
        startIfQueued(); // producers that found the writer not yet enabled left the wake flag set
    }

    private void spawn() {
        Thread t = Thread.ofVirtual().unstarted(this);
        thread = t;
        t.start();
    }

    /** Queues a data frame; false when the queue is over its message or byte bound (the caller closes with 1013). */
    boolean offer(byte[] frame) {
        long bytesAfter = (long) QUEUED_BYTES.getAndAdd(this, (long) frame.length) + frame.length;
        int messagesAfter = (int) QUEUED_MESSAGES.getAndAdd(this, 1) + 1;
        if (bytesAfter > maxQueuedBytes || messagesAfter > maxMessages || !queue().offer(frame)) {
            QUEUED_BYTES.getAndAdd(this, (long) -frame.length);
            QUEUED_MESSAGES.getAndAdd(this, -1);
            return false;
        }
        wakeUp();
        return true;
    }

    /** 5.5.3: a Pong answers the most recent Ping; an unsent older Pong is replaced. */
    void offerPong(byte[] frame) {
        PONG.setVolatile(this, frame);
        wakeUp();
    }

    void offerPing(byte[] frame) {
        PING.setVolatile(this, frame);
        wakeUp();
    }

    /**
     * Queues the one Close frame of this connection. With {@code discardData} queued data is dropped and the
     * Close goes out next (failure, overflow); otherwise queued data is flushed first (a graceful close).
     */
    void offerClose(byte[] frame, boolean discard) {
        discardData = discard;
        pendingClose = frame;
        wakeUp();
    }

    long queuedBytes() {
        return (long) QUEUED_BYTES.getVolatile(this);
    }

    /**
     * Called by the sweeper, and by a reader about to park: a writer parked idle since before
     * {@code cutoffNs} ends its thread (returns whether it was asked to). Timed parks
     * would do this without the sweeper, but every timed park of a virtual thread arms and cancels a timer,
     * which on a busy fan-out costs more than the write itself.
     */
    boolean retireIfIdleSince(long cutoffNs) {
        long since = parkedSinceNs;
        if (since != 0 && since - cutoffNs < 0) {
            retire = true;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
            return true;
        }
        return false;
    }

    /**
     * Called by the reader before it parks the connection: succeeds only if no writer thread exists and
     * nothing is queued, and from then on no writer starts until {@link #resumeAfterPark}; a frame queued
     * meanwhile wakes the parker, which writes it ({@link #writeWhileParked}).
     */
    boolean claimForPark() {
        if (!enabled || !RUNNING.compareAndSet(this, 0, PARKED)) {
            return false;
        }
        if (hasWork()) {
            resumeAfterPark();
            return false;
        }
        return true;
    }

    /** The connection is writable again: lifts the park and starts a writer for anything queued meanwhile. */
    void resumeAfterPark() {
        RUNNING.setVolatile(this, 0);
        startIfQueued(); // producers that found it parked left the wake flag set
    }

    /** Clears a wake flag left by producers that could not start a writer, and starts one if they queued anything. */
    private void startIfQueued() {
        WAKE.setVolatile(this, 0);
        if (hasWork()) {
            wakeUp();
        }
    }

    /** Whether a Ping waits in its slot; for tests. */
    boolean pingPending() {
        return PING.getVolatile(this) != null;
    }

    boolean isParked() {
        return (int) RUNNING.getVolatile(this) == PARKED;
    }

    /** Whether a writer thread exists right now (it is retired after {@link #IDLE_EXIT_NS} idle); for tests. */
    boolean hasThread() {
        return (int) RUNNING.getVolatile(this) == 1;
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Makes sure a writer will see what was just queued: unparks the writer thread, or starts one if the
     * last one ended while idle. Only the caller that turns the pending flag on does anything.
     */
    private void wakeUp() {
        if ((int) WAKE.getAndSet(this, 1) != 0 || !enabled) {
            return;
        }
        if ((int) RUNNING.getVolatile(this) != PARKED && deferWake.test(this)) {
            return; // the idle parker routing in place: a virtual thread wakes the writer after its pass
        }
        wakeNow();
    }

    /** Unparks or starts the writer thread, or hands a parked connection's frames to the parker. */
    void wakeNow() {
        while (true) {
            int state = (int) RUNNING.getVolatile(this);
            if (state == 1) {
                Thread t = thread;
                if (t != null) {
                    LockSupport.unpark(t);
                }
                return;
            }
            if (state == PARKED) {
                onWakeWhileParked.run(); // the parker clears the pending flag as it writes (or resumes)
                return;
            }
            if (RUNNING.compareAndSet(this, 0, 1)) {
                spawn();
                return;
            }
        }
    }

    private MpscChunkedArrayQueue<byte[]> queue() {
        MpscChunkedArrayQueue<byte[]> q = data;
        if (q == null) {
            // Starts with a small chunk so that lightly used connections stay small; grows up to the bound.
            MpscChunkedArrayQueue<byte[]> created = new MpscChunkedArrayQueue<>(8, Math.max(16, maxMessages));
            q = DATA.compareAndSet(this, null, created) ? created : data;
        }
        return q;
    }

    private boolean hasData() {
        MpscChunkedArrayQueue<byte[]> q = data;
        return q != null && !q.isEmpty();
    }

    private boolean hasWork() {
        return PONG.getVolatile(this) != null || PING.getVolatile(this) != null || pendingClose != null || hasData()
                || carry != null;
    }

    /**
     * The writer thread: writes batches while there is work, parks when there is none, and ends when the
     * sweeper retires it after {@link #IDLE_EXIT_NS} without work, so that an idle connection keeps no writer
     * thread (its stack is a good part of an idle connection's memory). A producer that races with the exit either sees the thread
     * still running (and the thread sees its frame) or starts a new one.
     */
    @Override
    public void run() {
        try {
            while (!stopped) {
                if (!hasWork()) {
                    WAKE.setVolatile(this, 0);
                    if (hasWork() || stopped) {
                        continue;
                    }
                    if (!retire) {
                        parkedSinceNs = clock.nanoTime();
                        LockSupport.park(this);
                        parkedSinceNs = 0;
                        continue;
                    }
                    retire = false;
                    thread = null; // let the finished thread go; a producer that sees null starts or finds work
                    RUNNING.setVolatile(this, 0);
                    if (!hasWork() || !RUNNING.compareAndSet(this, 0, 1)) {
                        return; // idle: the next wake-up starts a new thread
                    }
                    thread = Thread.currentThread();
                    continue;
                }
                if (writeBatch()) {
                    // 7.1.1: after its Close, an endpoint sends nothing more; FIN tells the peer so
                    channel.shutdownOutput();
                    onCloseWritten.run();
                    return;
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                onWriteFailure.run();
            }
        }
    }

    /** Writes one batch; returns true when it ended with the Close frame. */
    private boolean writeBatch() throws IOException {
        ByteBuffer rest = carry;
        if (rest != null) {
            carry = null;
            writeFully(rest); // what the parker could not write goes first: it is mid-stream
        }
        ByteBuffer out = buffers.acquire();
        try {
            int controlFrames = gatherControl(out);
            byte[] close = pendingClose;
            MpscChunkedArrayQueue<byte[]> data = dataOrNone();
            if (close != null && discardData) {
                dropQueued(data); // the peer is too slow: these frames can no longer be delivered in order
            }
            byte[] head = data.relaxedPeek();
            if (head != null && out.position() == 0 && head.length > out.remaining()) {
                data.relaxedPoll(); // larger than a batch: written from its own array
                writeFully(ByteBuffer.wrap(head));
                committed(0, 1, head.length, head.length);
                return false;
            }
            int dataStart = out.position();
            int dataFrames = gatherData(out, data);
            int dataBytes = out.position() - dataStart;
            boolean closing = close != null && data.isEmpty() && out.remaining() >= close.length;
            if (closing) {
                out.put(close);
                controlFrames++;
            }
            out.flip();
            int batchBytes = out.remaining();
            writeFully(out);
            committed(controlFrames, dataFrames, dataBytes, batchBytes);
            return closing;
        } finally {
            buffers.release(out);
        }
    }

    /**
     * Called by the {@link IdleParker}, which owns the channel while the connection is parked: writes what is
     * pending with one non-blocking write, so that a connection that is only sent to stays parked and needs no
     * thread. Returns the bytes written (0 when nothing was pending), or {@link #RESUME} when the connection
     * must be resumed instead: a Close is pending, more than {@link #MAX_PARKED_BATCH_FRAMES} frames or more
     * than one batch buffer were queued (the parker's one thread is falling behind), or the send buffer took
     * only part of the batch, whose rest the resumed writer then sends first.
     */
    int writeWhileParked() {
        WAKE.setVolatile(this, 0); // producers from here on wake the parker again
        if (pendingClose != null || carry != null || !channel.isOpen()) {
            return RESUME;
        }
        ByteBuffer out = buffers.acquire();
        try {
            int controlFrames = gatherControl(out);
            MpscChunkedArrayQueue<byte[]> data = dataOrNone();
            int dataStart = out.position();
            int dataFrames = gatherData(out, data);
            int dataBytes = out.position() - dataStart;
            byte[] left = data.relaxedPeek();
            boolean leftBehind = left != null && left.length > out.remaining();
            out.flip();
            int batchBytes = out.remaining();
            if (batchBytes > 0) {
                try {
                    channel.write(out);
                } catch (IOException e) {
                    // kept as unwritten: the resumed writer meets the failure and ends the connection
                }
                if (out.hasRemaining()) {
                    carry = ByteBuffer.allocate(out.remaining()).put(out).flip();
                }
            }
            committed(controlFrames, dataFrames, dataBytes, batchBytes);
            boolean behind = leftBehind || dataFrames > MAX_PARKED_BATCH_FRAMES;
            return carry == null && !behind ? batchBytes : RESUME;
        } finally {
            buffers.release(out);
        }
    }

    /** Moves the pending Pong and Ping into {@code out}; returns how many. */
    private int gatherControl(ByteBuffer out) {
        int frames = 0;
        byte[] control = (byte[]) PONG.getAndSet(this, null);
        if (control != null) {
            out.put(control);
            frames++;
        }
        control = (byte[]) PING.getAndSet(this, null);
        if (control != null) {
            out.put(control);
            frames++;
        }
        return frames;
    }

    /** Moves queued frames into {@code out} for as long as they fit; returns how many. */
    private static int gatherData(ByteBuffer out, MpscChunkedArrayQueue<byte[]> data) {
        int frames = 0;
        byte[] frame;
        while ((frame = data.relaxedPeek()) != null && frame.length <= out.remaining()) {
            out.put(frame);
            data.relaxedPoll();
            frames++;
        }
        return frames;
    }

    private void dropQueued(MpscChunkedArrayQueue<byte[]> data) {
        long droppedBytes = 0;
        int dropped = 0;
        byte[] f;
        while ((f = data.relaxedPoll()) != null) {
            droppedBytes += f.length;
            dropped++;
        }
        QUEUED_BYTES.getAndAdd(this, -droppedBytes);
        QUEUED_MESSAGES.getAndAdd(this, -dropped);
    }

    /**
     * Accounts a batch committed to the stream (written, or carried over for the next writer): frees the
     * queue bounds its data frames held and counts its frames and bytes.
     */
    private void committed(int controlFrames, int dataFrames, long dataBytes, long batchBytes) {
        if (dataFrames > 0) {
            QUEUED_BYTES.getAndAdd(this, -dataBytes);
            QUEUED_MESSAGES.getAndAdd(this, -dataFrames);
        }
        metrics.framesOut.add(controlFrames + dataFrames);
        metrics.bytesOut.add(batchBytes);
    }

    /** The data queue, or an empty stand-in if nothing was ever queued (no queue is created just to find it empty). */
    private MpscChunkedArrayQueue<byte[]> dataOrNone() {
        MpscChunkedArrayQueue<byte[]> q = data;
        return q != null ? q : NO_DATA;
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
