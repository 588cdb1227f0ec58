package relay.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import relay.ws.HttpResponse;

/**
 * Answers a socket that admission control turned away (503/429) without reading its request: write the
 * response, half-close, and drain what the client still sends for a moment so that closing does not turn
 * into a reset that could destroy the response before the client reads it.
 */
final class Refusal {
    private static final long DRAIN_MS = 1000;

    private Refusal() {}

    static void send(SocketChannel channel, HttpResponse response) {
        try (channel) {
            ByteBuffer out = ByteBuffer.wrap(response.toBytes(true));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            channel.configureBlocking(false);
            ByteBuffer sink = ByteBuffer.allocate(512);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
            while (System.nanoTime() < deadline) {
                sink.clear();
                int n = channel.read(sink);
                if (n < 0) {
                    return;
                }
                if (n == 0) {
                    Thread.sleep(10);
                }
            }
        } catch (IOException e) {
            // the client went away first; nothing to tell it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
