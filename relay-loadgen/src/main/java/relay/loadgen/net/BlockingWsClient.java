package relay.loadgen.net;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.Handshake;
import relay.ws.Masking;
import relay.ws.MessageAssembler;
import relay.ws.MessageHandler;
import relay.ws.Opcode;

/**
 * The alternative client engine, kept to compare against the NIO {@link EventLoop} (the {@code echo}
 * scenario's {@code --engine virtual}): a blocking socket per connection, read by its own virtual thread,
 * written under a {@link ReentrantLock} by whichever (virtual) thread sends. Same framing as
 * {@link WsConnection} (relay's FrameReader, masked frames built in a reused buffer), so the comparison is
 * of the threading model alone.
 */
public final class BlockingWsClient implements MessageHandler {
    /** Receives messages on the connection's reader virtual thread. */
    public interface Receiver {
        void onMessage(byte[] bytes, int offset, int length, long nowNs);

        void onEnd(String kind);
    }

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(WsConnection.DEFAULT_READ_BUFFER_BYTES);
    private final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    private final ReentrantLock writeLock = new ReentrantLock();
    private final FrameReader reader = new FrameReader(new MessageAssembler(this), false, 16L << 20);
    private final Receiver receiver;
    private final byte[] control = new byte[125];
    private int maskSeed = ThreadLocalRandom.current().nextInt() | 1;
    private long readNs;
    private volatile boolean closed;

    private BlockingWsClient(SocketChannel channel, Receiver receiver) {
        this.channel = channel;
        this.receiver = receiver;
    }

    /** Connects and completes the opening handshake on the calling thread. */
    public static BlockingWsClient connect(InetSocketAddress remote, String path, Receiver receiver) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(remote);
        BlockingWsClient client = new BlockingWsClient(channel, receiver);
        client.handshake(remote, path);
        return client;
    }

    private void handshake(InetSocketAddress remote, String path) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + remote.getHostString() + ":" + remote.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        while (true) {
            if (channel.read(in) < 0) {
                throw new EOFException("closed during handshake");
            }
            String head = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                continue;
            }
            if (!head.startsWith("HTTP/1.1 101") || !head.contains(Handshake.acceptValue(key))) {
                throw new IOException("http " + head.substring(9, Math.min(12, head.length())));
            }
            int left = in.position() - end - 4;
            System.arraycopy(in.array(), end + 4, in.array(), 0, left);
            in.position(left);
            return;
        }
    }

    /** The read loop; run it on the connection's own virtual thread. */
    public void readLoop() {
        try {
            while (!closed) {
                if (in.position() > 0) {
                    readNs = System.nanoTime();
                    int consumed = reader.read(in.array(), 0, in.position());
                    int left = in.position() - consumed;
                    System.arraycopy(in.array(), consumed, in.array(), 0, left);
                    in.position(left);
                }
                if (channel.read(in) < 0) {
                    break;
                }
            }
            receiver.onEnd(closed ? null : "closed 1006");
        } catch (IOException | RuntimeException e) {
            receiver.onEnd(closed ? null : "io " + e.getClass().getSimpleName());
        }
    }

    public boolean sendText(byte[] payload, int offset, int length) {
        return send(Opcode.TEXT, payload, offset, length);
    }

    private boolean send(int opcode, byte[] payload, int offset, int length) {
        writeLock.lock();
        try {
            int x = maskSeed;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            maskSeed = x;
            out.clear();
            byte[] buf = out.array();
            int header = FrameWriter.writeHeader(buf, 0, true, opcode, length, true, x);
            System.arraycopy(payload, offset, buf, header, length);
            Masking.apply(buf, header, length, x, 0);
            out.limit(header + length);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    public void close() {
        closed = true;
        byte[] close = FrameWriter.closePayload(1000, "load test done");
        send(Opcode.CLOSE, close, 0, close.length);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void onText(byte[] bytes, int offset, int length) {
        receiver.onMessage(bytes, offset, length, readNs);
    }

    @Override
    public void onBinary(byte[] bytes, int offset, int length) {
        receiver.onMessage(bytes, offset, length, readNs);
    }

    @Override
    public void onPing(byte[] bytes, int offset, int length) {
        System.arraycopy(bytes, offset, control, 0, length);
        send(Opcode.PONG, control, 0, length);
    }

    @Override
    public void onPong(byte[] bytes, int offset, int length) {}

    @Override
    public void onClose(int code, byte[] reason, int offset, int length) {
        if (!closed) {
            receiver.onEnd("closed " + code);
        }
        closed = true;
    }
}
