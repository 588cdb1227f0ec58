package relay.loadgen.scenario;

import java.util.concurrent.CountDownLatch;
import relay.loadgen.net.WsConnection;

/**
 * A connection that sends stamped messages of one size (an echo client, a broadcast member) and records
 * every message it receives, text or binary, by its stamp in one series. Set-up waits for it to open.
 * Runs on the connection's event loop.
 */
final class StampedClient extends Participant {
    /** What its pacer sends, if it is given one. */
    final MessageTemplate message;
    private final CountDownLatch ready;
    private final int series;

    StampedClient(Run run, CountDownLatch ready, String series, int size) {
        this.run = run;
        this.ready = ready;
        this.series = run.log.index(series);
        this.message = new MessageTemplate("{", "}", size);
    }

    @Override
    public void onOpen(WsConnection c, long nowNs) {
        ready.countDown();
    }

    @Override
    public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
        run.recordStamped(series, Stamp.findAndRead(bytes, offset, length), nowNs);
    }

    @Override
    public void onBinary(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
        onText(c, bytes, offset, length, nowNs);
    }

    @Override
    CountDownLatch setUpLatch() {
        return ready;
    }
}
