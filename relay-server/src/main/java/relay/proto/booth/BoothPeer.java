package relay.proto.booth;

import java.util.ArrayList;
import java.util.List;
import relay.net.Connection;

/**
 * One connection's booth-protocol state. A connection may be a booth (for one or more ids), a scanner
 * (attached to one id), both, or neither yet, as in the original. Fields other than {@link #scannerId}
 * are touched only by the connection's reader thread; {@code scannerId} changes under the slot locks.
 */
final class BoothPeer {
    final Connection connection;
    final BoothMessageReader reader = new BoothMessageReader();
    /** Slots this connection registered as booth, in order; it still holds those whose booth is this peer. */
    final List<BoothRegistry.Slot> registered = new ArrayList<>(1);
    /** The slot this connection is attached to as a scanner, or null. */
    BoothRegistry.Slot attached;
    /** The booth_id this scanner asked for, as it wrote it (for the notices about it). */
    volatile BoothId scannerId;
    /** When this scanner attached to its slot (System.nanoTime()): earliest-attached across nodes (docs/cluster.md). */
    volatile long attachedAtNs;

    BoothPeer(Connection connection) {
        this.connection = connection;
    }

    boolean send(byte[] frame) {
        return connection.send(frame);
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
