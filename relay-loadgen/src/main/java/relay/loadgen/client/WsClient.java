package relay.loadgen.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocketFactory;
import relay.loadgen.net.ClientFramer;
import relay.loadgen.net.ClientHandshake;
import relay.ws.CloseCode;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.MessageHandler;
import relay.ws.Opcode;
import relay.ws.ProtocolException;

/**
 * A small blocking WebSocket client on relay's own framer, for the command-line clients: the load generator's
 * {@link ClientHandshake} (RFC 6455 4.1, over TLS too) and {@link ClientFramer} (masked frames out, server frames
 * decoded by its {@link FrameReader}). One virtual thread reads and calls the {@link Listener}; any thread may
 * send (a lock keeps frames whole and the masking keys in order). Pings are answered; a Close is echoed.
 */
public final class WsClient implements AutoCloseable {
    /** What the reader thread reports. Called on that thread, one call at a time. */
    public interface Listener {
        /** The handshake succeeded; called on the connecting thread before any message is reported. */
        default void onOpen() {}

        void onText(String text);

        default void onBinary(byte[] bytes) {}

        /** The connection ended: the server's close code and reason, or 1006 if it ended without a Close. */
        void onClose(int code, String reason);
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}. */
    private final ClientFramer framer = new ClientFramer();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private WsClient(Socket socket, Listener listener) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.listener = listener;
    }

    /** Connects, performs the opening handshake and starts reading; throws if the server refuses the upgrade. */
    public static WsClient connect(URI uri, Listener listener, Duration timeout) throws IOException {
        return connect(uri, listener, timeout, null);
    }

    /**
     * As {@link #connect(URI, Listener, Duration)}, sending {@code firstText} (if not null) right after the
     * handshake, before anything else happens on this side: on path {@code /} of an auto listener the first frame
     * must arrive within the studio idle window, which a cold JVM could otherwise miss.
     */
    public static WsClient connect(URI uri, Listener listener, Duration timeout, String firstText) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("wss");
        if (!tls && !scheme.equals("ws")) {
            throw new IOException("not a WebSocket URL (ws:// or wss://): " + uri);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IOException("no host in " + uri);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            if (tls) {
                socket = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
            }
            WsClient client = new WsClient(socket, listener);
            socket.setSoTimeout((int) timeout.toMillis());
            String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            byte[] leftover = new ClientHandshake().exchange(client.in, client.out, target,
                    ClientHandshake.hostHeader(host, port, tls));
            socket.setSoTimeout(0);
            if (firstText != null) {
                client.sendText(firstText);
            }
            listener.onOpen();
            Thread.ofVirtual().name("ws-client-reader").start(() -> client.readLoop(leftover));
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        write(Opcode.TEXT, payload, 0, payload.length);
    }

    public void sendBinary(byte[] payload) throws IOException {
        write(Opcode.BINARY, payload, 0, payload.length);
    }

    /**
     * Starts the closing handshake and waits up to {@code timeout} for the server's Close, then drops the
     * socket. Returns true if the server answered in time.
     */
    public boolean close(int code, String reason, Duration timeout) {
        sendClose(FrameWriter.closePayload(code, reason));
        boolean answered;
        try {
            answered = closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answered = false;
        }
        closeSocket();
        return answered;
    }

    @Override
    public void close() {
        close(CloseCode.NORMAL, "", Duration.ofSeconds(2));
    }

    /** Waits until the connection has ended; true if it did within the timeout. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void write(int opcode, byte[] payload, int offset, int length) throws IOException {
        writeLock.lock();
        try {
            out.write(framer.encode(opcode, payload, offset, length));
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void sendClose(byte[] payload) {
        if (!closeSent.compareAndSet(false, true)) {
            return;
        }
        try {
            write(Opcode.CLOSE, payload, 0, payload.length);
        } catch (IOException e) {
            closeSocket();
        }
    }

    private void readLoop(byte[] leftover) {
        Frames frames = new Frames();
        FrameReader reader = ClientFramer.reader(frames);
        byte[] buffer = new byte[Math.max(16 * 1024, leftover.length)];
        System.arraycopy(leftover, 0, buffer, 0, leftover.length);
        int end = leftover.length;
        try {
            while (true) {
                int consumed = reader.read(buffer, 0, end);
                if (consumed > 0) {
                    System.arraycopy(buffer, consumed, buffer, 0, end - consumed);
                    end -= consumed;
                }
                if (frames.closeReceived) {
                    break;
                }
                if (end == buffer.length) {
                    byte[] grown = new byte[buffer.length * 2];
                    System.arraycopy(buffer, 0, grown, 0, end);
                    buffer = grown;
                }
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    break;
                }
                end += n;
            }
        } catch (ProtocolException e) {
            sendClose(FrameWriter.closePayload(e.closeCode(), e.getMessage()));
            report(e.closeCode(), "protocol error: " + e.getMessage());
        } catch (IOException e) {
            // the socket ended; reported below
        } finally {
            report(CloseCode.ABNORMAL, "");
            closeSocket();
        }
    }

    private void report(int code, String reason) {
        if (closeReported.compareAndSet(false, true)) {
            try {
                listener.onClose(code, reason);
            } finally {
                closed.countDown();
            }
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Messages from the assembler, on the reader thread. */
    private final class Frames implements MessageHandler {
        boolean closeReceived;

        @Override
        public void onText(byte[] bytes, int offset, int length) {
            listener.onText(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void onBinary(byte[] bytes, int offset, int length) {
            byte[] copy = new byte[length];
            System.arraycopy(bytes, offset, copy, 0, length);
            listener.onBinary(copy);
        }

        @Override
        public void onPing(byte[] bytes, int offset, int length) {
            // 5.5.2: upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response
            try {
                write(Opcode.PONG, bytes, offset, length);
            } catch (IOException e) {
                closeSocket();
            }
        }

        @Override
        public void onPong(byte[] bytes, int offset, int length) {}

        @Override
        public void onClose(int code, byte[] reason, int offset, int length) {
            closeReceived = true;
            // 5.5.1: the endpoint sends a Close in response, echoing the status code it received
            byte[] echo = code == CloseCode.NO_STATUS ? new byte[0] : FrameWriter.closePayload(code, "");
            sendClose(echo);
            report(code, new String(reason, offset, length, StandardCharsets.UTF_8));
        }
    }
}
