package relay.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.metrics.Metrics;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/** The outbound queue's bounds and write order, on a writer whose thread is started only when the test wants. */
@Timeout(20)
class ConnectionWriterTest {
    static final Runnable NOTHING = () -> { };
    /** Every wake-up done by the thread that queues (as on any thread but the idle parker's). */
    static final java.util.function.Predicate<ConnectionWriter> NOW = writer -> false;

    /** A connected loopback pair: the accepted channel the writer writes, and the peer that reads it. */
    private record Loopback(Socket peer, SocketChannel channel) implements AutoCloseable {
        static Loopback open() throws IOException {
            return open(0);
        }

        /** @param receiveBufferBytes the peer's receive buffer, 0 for the system's default */
        static Loopback open(int receiveBufferBytes) throws IOException {
            try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
                Socket peer = new Socket();
                try {
                    if (receiveBufferBytes > 0) {
                        peer.setReceiveBufferSize(receiveBufferBytes);
                    }
                    peer.connect(listener.getLocalAddress());
                    peer.setSoTimeout(5_000);
                    return new Loopback(peer, listener.accept());
                } catch (IOException e) {
                    peer.close();
                    throw e;
                }
            }
        }

        @Override
        public void close() throws IOException {
            try (peer; channel) {
                // both closed, even if one fails
            }
        }
    }

    static ConnectionWriter writer(SocketChannel channel, int maxMessages, long maxBytes) {
        return new ConnectionWriter(channel, maxMessages, maxBytes, new WriteBufferPool(1024, 4), new Metrics(), NanoClock.SYSTEM, NOTHING, NOTHING, NOTHING,
                NOW);
    }

    @ParameterizedTest(name = "exactly {0} messages are queued, not a power of two more")
    @ValueSource(ints = {1, 5, 20, 100, 4097})
    void boundsTheQueueAtExactlyTheConfiguredNumberOfMessages(int max) throws Exception {
        ConnectionWriter w = writer(SocketChannel.open(), max, Long.MAX_VALUE);
        byte[] frame = FrameWriter.encodeText("x");
        for (int i = 0; i < max; i++) {
            assertTrue(w.offer(frame), "message " + (i + 1));
        }
        assertFalse(w.offer(frame), "one over the bound");
        assertEquals((long) max * frame.length, w.queuedBytes());
    }

    @Test
    void boundsTheQueueInBytes() throws Exception {
        ConnectionWriter w = writer(SocketChannel.open(), 1000, 100);
        byte[] frame = FrameWriter.encode(Opcode.BINARY, new byte[48]); // 50 bytes
        assertTrue(w.offer(frame));
        assertTrue(w.offer(frame));
        assertFalse(w.offer(frame));
        assertEquals(100, w.queuedBytes());
        assertFalse(w.offer(FrameWriter.encode(Opcode.BINARY, new byte[0])), "a 2-byte frame does not fit either");
    }

    /** Plays the sweeper: retires the writer once it has parked with nothing to do. */
    private static void retireWhenParked(ConnectionWriter w) throws InterruptedException {
        relay.testing.TestClient.await("the writer to be retired", () -> {
            w.retireIfIdleSince(System.nanoTime() + 1);
            return !w.hasThread();
        });
    }

    @Test
    void aParkedWriterIsNotRetiredBeforeItsIdleTime() throws Exception {
        try (Loopback loop = Loopback.open()) {
            SocketChannel channel = loop.channel();
            ConnectionWriter w = writer(channel, 16, 1 << 20);
            w.start();
            assertFalse(w.hasThread(), "nothing to write yet, so no writer thread");
            assertTrue(w.offer(FrameWriter.encodeText("wake up")));
            relay.testing.TestClient.await("the writer to park", () -> {
                w.retireIfIdleSince(System.nanoTime() - 60_000_000_000L); // parked for under a minute: stays
                return w.hasThread();
            });
            Thread.sleep(50);
            assertTrue(w.hasThread());
            w.stop();
        }
    }

    @Test
    void anIdleWriterEndsItsThreadAndTheNextFrameOrPingStartsANewOne() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            InputStream in = peer.getInputStream();
            ConnectionWriter w = writer(channel, 16, 1 << 20);
            w.start();
            byte[] first = FrameWriter.encodeText("first");
            assertTrue(w.offer(first));
            assertArrayEquals(first, in.readNBytes(first.length));
            retireWhenParked(w);
            relay.testing.TestClient.await("the idle writer thread ends", () -> !w.hasThread());
            byte[] second = FrameWriter.encodeText("second");
            assertTrue(w.offer(second));
            assertArrayEquals(second, in.readNBytes(second.length), "a new thread writes the next frame");
            retireWhenParked(w);
            relay.testing.TestClient.await("idle again", () -> !w.hasThread());
            byte[] ping = FrameWriter.encode(Opcode.PING, new byte[0]);
            w.offerPing(ping);
            assertArrayEquals(ping, in.readNBytes(ping.length), "the sweeper's ping also wakes it");
            w.stop();
        }
    }

    @Test
    void aParkClaimHoldsOffWritersUntilResumedAndWakesTheParkerOnce() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            java.util.concurrent.atomic.AtomicInteger wakes = new java.util.concurrent.atomic.AtomicInteger();
            ConnectionWriter w = new ConnectionWriter(channel, 16, 1 << 20, new WriteBufferPool(1024, 4), new Metrics(),
                    NanoClock.SYSTEM, NOTHING, NOTHING, wakes::incrementAndGet, NOW);
            w.start();
            byte[] hello = FrameWriter.encodeText("hello");
            assertTrue(w.offer(hello));
            assertArrayEquals(hello, peer.getInputStream().readNBytes(hello.length));
            assertFalse(w.claimForPark(), "a writer thread exists");
            retireWhenParked(w);
            assertTrue(w.claimForPark());
            assertTrue(w.isParked());
            byte[] first = FrameWriter.encodeText("while parked");
            byte[] second = FrameWriter.encodeText("and another");
            assertTrue(w.offer(first));
            assertTrue(w.offer(second));
            assertEquals(1, wakes.get(), "one wake for any number of frames");
            assertFalse(w.hasThread(), "no writer while parked");
            assertEquals(0, peer.getInputStream().available());
            w.resumeAfterPark();
            assertArrayEquals(first, peer.getInputStream().readNBytes(first.length));
            assertArrayEquals(second, peer.getInputStream().readNBytes(second.length));
            assertFalse(w.isParked());
            w.stop();
        }
    }

    /** A writer parked the way a reader parks it: claimed, its channel non-blocking, no thread. */
    private static ConnectionWriter parkedWriter(SocketChannel channel, java.util.concurrent.atomic.AtomicInteger wakes)
            throws Exception {
        ConnectionWriter w = new ConnectionWriter(channel, 1024, 1 << 24, new WriteBufferPool(1024, 4), new Metrics(),
                NanoClock.SYSTEM, NOTHING, NOTHING, wakes::incrementAndGet, NOW);
        w.start();
        assertTrue(w.claimForPark());
        channel.configureBlocking(false);
        return w;
    }

    @Test
    void whileParkedTheParkerWritesWhatIsQueuedInOneWriteAndTheConnectionStaysParked() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            java.util.concurrent.atomic.AtomicInteger wakes = new java.util.concurrent.atomic.AtomicInteger();
            ConnectionWriter w = parkedWriter(channel, wakes);
            byte[] first = FrameWriter.encodeText("first");
            byte[] second = FrameWriter.encodeText("second");
            byte[] ping = FrameWriter.encode(Opcode.PING, new byte[0]);
            assertTrue(w.offer(first));
            assertTrue(w.offer(second));
            w.offerPing(ping);
            assertEquals(1, wakes.get());
            assertEquals(ping.length + first.length + second.length, w.writeWhileParked());
            assertArrayEquals(ping, peer.getInputStream().readNBytes(ping.length), "control frames first");
            assertArrayEquals(first, peer.getInputStream().readNBytes(first.length));
            assertArrayEquals(second, peer.getInputStream().readNBytes(second.length));
            assertTrue(w.isParked());
            assertFalse(w.hasThread());
            assertEquals(0, w.queuedBytes());
            assertEquals(0, w.writeWhileParked(), "nothing left");
            assertTrue(w.offer(first));
            assertEquals(2, wakes.get(), "the parker's write re-arms the wake");
            w.offerClose(FrameWriter.encodeClose(1000, ""), false);
            assertEquals(ConnectionWriter.RESUME, w.writeWhileParked(), "a Close is for the writer thread");
        }
    }

    @Test
    void moreThanOneBatchWhileParkedIsLeftInOrderToTheResumedWriter() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            ConnectionWriter w = parkedWriter(channel, new java.util.concurrent.atomic.AtomicInteger());
            byte[][] frames = new byte[3][];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = FrameWriter.encode(Opcode.BINARY, new byte[600]); // two do not fit a 1 KiB batch
                frames[i][10] = (byte) i;
                assertTrue(w.offer(frames[i]));
            }
            assertEquals(ConnectionWriter.RESUME, w.writeWhileParked());
            channel.configureBlocking(true);
            w.resumeAfterPark();
            for (byte[] frame : frames) {
                assertArrayEquals(frame, peer.getInputStream().readNBytes(frame.length));
            }
            w.stop();
        }
    }

    @Test
    void aParkedWriteOfMoreFramesThanAParkedBatchAsksForTheWriterThread() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            ConnectionWriter w = parkedWriter(channel, new java.util.concurrent.atomic.AtomicInteger());
            byte[] frame = FrameWriter.encodeText("many");
            for (int i = 0; i < ConnectionWriter.MAX_PARKED_BATCH_FRAMES; i++) {
                assertTrue(w.offer(frame));
            }
            assertEquals(ConnectionWriter.MAX_PARKED_BATCH_FRAMES * frame.length, w.writeWhileParked());
            for (int i = 0; i <= ConnectionWriter.MAX_PARKED_BATCH_FRAMES; i++) {
                assertTrue(w.offer(frame));
            }
            assertEquals(ConnectionWriter.RESUME, w.writeWhileParked(), "the parker is falling behind");
            int all = (2 * ConnectionWriter.MAX_PARKED_BATCH_FRAMES + 1) * frame.length;
            assertEquals(all, peer.getInputStream().readNBytes(all).length, "what it gathered is still written");
            assertEquals(0, w.queuedBytes());
        }
    }

    @Test
    void aParkedWriteTheSendBufferTakesInPartIsFinishedByTheResumedWriter() throws Exception {
        try (Loopback loop = Loopback.open(4096)) { // a small receive buffer, filled soon
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            ConnectionWriter w = parkedWriter(channel, new java.util.concurrent.atomic.AtomicInteger());
            java.util.List<byte[]> sent = new java.util.ArrayList<>();
            int written;
            do { // the peer reads nothing until the parker cannot write a whole batch
                assertTrue(sent.size() < 100_000, "the socket buffers never filled");
                byte[] frame = FrameWriter.encode(Opcode.BINARY, new byte[700]);
                java.nio.ByteBuffer.wrap(frame, 2 + 2, 4).putInt(sent.size()); // 700 > 125: 2 length bytes
                sent.add(frame);
                assertTrue(w.offer(frame));
                written = w.writeWhileParked();
            } while (written != ConnectionWriter.RESUME);
            channel.configureBlocking(true);
            w.resumeAfterPark();
            for (byte[] frame : sent) {
                assertArrayEquals(frame, peer.getInputStream().readNBytes(frame.length));
            }
            w.stop();
        }
    }

    @Test
    void aParkClaimFailsWhileFramesWaitAndLeavesThemToAWriter() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            ConnectionWriter w = writer(channel, 16, 1 << 20);
            assertFalse(w.claimForPark(), "not before the 101 is out");
            w.start();
            retireWhenParked(w);
            w.offerPing(FrameWriter.encode(Opcode.PING, new byte[0])); // starts a writer, which may not have run yet
            assertFalse(w.claimForPark(), "a Ping is pending or being written");
            assertArrayEquals(FrameWriter.encode(Opcode.PING, new byte[0]), peer.getInputStream().readNBytes(2));
            w.stop();
        }
    }

    @Test
    void writesPongAheadOfDataAndTheCloseLastThenFreesTheBounds() throws Exception {
        try (Loopback loop = Loopback.open()) {
            Socket peer = loop.peer();
            SocketChannel channel = loop.channel();
            ConnectionWriter w = writer(channel, 3, 1 << 20);
            byte[] a = FrameWriter.encodeText("a");
            byte[] b = FrameWriter.encode(Opcode.BINARY, new byte[5000]); // larger than the 1 KiB batch buffer
            byte[] pong = FrameWriter.encode(Opcode.PONG, new byte[] {7});
            byte[] close = FrameWriter.encodeClose(1000, "");
            assertTrue(w.offer(a));
            assertTrue(w.offer(b));
            w.offerPong(pong);
            w.offerClose(close, false);
            w.start();
            InputStream in = peer.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got); // until the writer's FIN after the Close
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(pong);
            expected.writeBytes(a);
            expected.writeBytes(b);
            expected.writeBytes(close);
            assertArrayEquals(expected.toByteArray(), got.toByteArray());
            assertEquals(0, w.queuedBytes());
        }
    }
}
