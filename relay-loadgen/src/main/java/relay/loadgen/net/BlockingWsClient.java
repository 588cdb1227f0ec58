package relay.loadgen.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.MessageHandler;
import relay.ws.Opcode;

/**
 * The alternative client engine, kept to compare against the NIO {@link EventLoop} (the {@code echo}
 * scenario's {@code --engine virtual}): a blocking socket per connection, read by its own virtual thread,
 * written under a {@link ReentrantLock} by whichever (virtual) thread sends. Same handshake and framing as
 * {@link WsConnection} ({@link ClientHandshake}, {@link ClientFramer} writing into a reused buffer), so the
 * comparison is of the threading model alone.
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
    private final FrameReader reader = ClientFramer.reader(this);
    private final ClientFramer framer = new ClientFramer();
    private final Receiver receiver;
    private final byte[] control = new byte[125];
    private long readNs;
    private volatile boolean closed;

    private BlockingWsClient(SocketChannel channel, Receiver receiver) {
        this.channel = channel;
        this.receiver = receiver;
    }

    /** Connects and completes the opening handshake on the calling thread ({@link ClientHandshake.RefusedException} if refused). */
    public static BlockingWsClient connect(InetSocketAddress remote, String path, Receiver receiver) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(remote);
        BlockingWsClient client = new BlockingWsClient(channel, receiver);
        try {
            byte[] firstFrames = new ClientHandshake().exchange(Channels.newInputStream(channel), Channels.newOutputStream(channel),
                    path, ClientHandshake.hostHeader(remote.getHostString(), remote.getPort(), false));
            client.in.put(firstFrames);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return client;
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
            out.clear();
            out.limit(framer.write(out.array(), 0, opcode, payload, offset, length));
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
