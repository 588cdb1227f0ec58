package relay.proto.booth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.json.Json;
import relay.json.PythonText;
import relay.metrics.Metrics;
import relay.net.Connection;
import relay.net.Endpoint;
import relay.ws.CloseCode;
import relay.ws.Utf8Validator;

/**
 * The booth/scanner relay of seed 000, as protocols.md "booth" gives it: booths register a booth_id,
 * scanners attach to one, and {@code relay_message} goes from a scanner to its booth or from a booth to its
 * earliest-attached scanner. Every message is answered or relayed on the sender's reader thread; the
 * registry ({@link BoothRegistry}) keeps the notices about one booth_id in order.
 *
 * <p>Binary frames are read as JSON text too: the original passed whatever it received to
 * {@code json.loads}, which accepts bytes.
 */
public final class BoothEndpoint implements Endpoint {
    private static final Logger LOG = Logger.getLogger("relay.Booth");
    static final String REPLACED_REASON = "booth_id registered by a newer connection";
    private static final byte[] BOOTH_ID = "booth_id".getBytes(StandardCharsets.US_ASCII);

    private final BoothRegistry registry = new BoothRegistry();
    private final Metrics metrics;

    /** Booths and scanners on other nodes (docs/cluster.md); null on a single node. */
    private final BoothCluster cluster;

    public BoothEndpoint(Metrics metrics) {
        this(metrics, null);
    }

    /** A booth endpoint whose booth_ids and scanner attachments span the nodes of {@code cluster} (null: this node only). */
    public BoothEndpoint(Metrics metrics, relay.cluster.Cluster cluster) {
        this.metrics = metrics;
        this.cluster = cluster == null ? null : new BoothCluster(cluster, registry);
    }

    @Override
    public void onOpen(Connection connection) {
        connection.attach(new BoothPeer(connection));
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        BoothPeer peer = (BoothPeer) connection.attachment();
        switch (peer.reader.read(bytes, offset, length)) {
            case RELAY_MESSAGE -> {
                relay(peer, bytes, peer.reader.data());
                return;
            }
            case PING -> {
                peer.send(BoothMessages.pong());
                return;
            }
            case OTHER -> { } // parsed below
        }
        Object message;
        try {
            message = Json.parse(bytes, offset, length);
        } catch (Json.InvalidJsonException e) {
            error(peer, "invalid_json", "Invalid JSON message");
            return;
        }
        if (!(message instanceof Map<?, ?> fields)) {
            error(peer, "not_an_object", "Message must be a JSON object");
            return;
        }
        Object type = fields.get("type");
        switch (type instanceof String s ? s : "") {
            case "register_booth" -> registerBooth(peer, boothId(peer, fields, bytes, offset, length));
            case "connect_scanner" -> connectScanner(peer, boothId(peer, fields, bytes, offset, length));
            case "relay_message" -> relay(peer, bytes, peer.reader.member(bytes, offset, length, BoothMessageReader.DATA));
            case "ping" -> peer.send(BoothMessages.pong());
            default -> error(peer, "unknown_type", "Unknown message type: " + PythonText.str(type));
        }
    }

    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        if (!Utf8Validator.isValid(bytes, offset, length)) {
            // Not text at all, so not JSON; and its bytes must never reach a text frame.
            error((BoothPeer) connection.attachment(), "invalid_json", "Invalid JSON message");
            return;
        }
        onText(connection, bytes, offset, length);
    }

    /** register_booth: the newest connection wins the id; the one it replaces is closed with 4000. */
    private void registerBooth(BoothPeer peer, BoothId id) {
        if (id == null) {
            error(peer, "missing_booth_id", "Missing booth_id in registration");
            return;
        }
        if (cluster != null) {
            cluster.registering(id); // newest wins cluster-wide: a booth on another node with this id is closed
        }
        BoothRegistry.Slot slot = registry.lock(id, true);
        try {
            BoothPeer previous = slot.booth;
            slot.booth = peer;
            slot.boothId = id;
            if (!peer.registered.contains(slot)) {
                peer.registered.add(slot);
            }
            peer.send(BoothMessages.withBoothId("registration_success", id));
            if (previous == peer) {
                return;
            }
            if (previous != null) {
                metrics.countProtocolError("booth", "booth_replaced");
                LOG.log(Level.INFO, () -> "Booth " + id + " re-registered by " + peer + "; closing " + previous);
                previous.connection.close(CloseCode.REPLACED, REPLACED_REASON);
            }
            for (BoothPeer scanner : slot.scanners) {
                peer.send(BoothMessages.withBoothId("scanner_connected", scanner.scannerId));
            }
            if (cluster != null) {
                cluster.registered(id, slot, peer); // scanners waiting on other nodes attach to this booth
            }
        } finally {
            slot.unlock();
        }
        LOG.log(Level.FINE, () -> "Booth " + id + " registered by " + peer);
    }

    /** connect_scanner: attaches (or moves) the scanner; the booth hears of it before the scanner is told. */
    private void connectScanner(BoothPeer peer, BoothId id) {
        if (id == null) {
            error(peer, "missing_booth_id", "Missing booth_id for scanner connection");
            return;
        }
        BoothRegistry.Slot previous = peer.attached;
        BoothRegistry.Slot slot = registry.lockWith(id, previous);
        if (slot == null) {
            if (cluster == null || !cluster.attach(peer, id)) { // a booth on another node answers itself
                error(peer, "booth_not_available", "Booth " + id.text() + " is not available");
            }
            return;
        }
        boolean remote = false;
        try {
            BoothPeer booth = slot.booth;
            if (booth == null) {
                remote = cluster != null;
                if (!remote) {
                    error(peer, "booth_not_available", "Booth " + id.text() + " is not available");
                }
                return;
            }
            if (cluster != null) {
                cluster.detach(peer, false); // leaves a booth on another node
            }
            if (previous != slot) {
                if (previous != null) {
                    previous.removeScanner(peer);
                }
                slot.addScanner(peer);
                peer.attached = slot;
                peer.attachedAtNs = System.nanoTime();
            }
            peer.scannerId = id;
            booth.send(BoothMessages.withBoothId("scanner_connected", id));
            peer.send(BoothMessages.withBoothId("connection_success", id));
        } finally {
            if (previous != null && previous != slot) {
                previous.unlock();
            }
            slot.unlock();
            if (remote && !cluster.attach(peer, id)) {
                error(peer, "booth_not_available", "Booth " + id.text() + " is not available");
            }
        }
        LOG.log(Level.FINE, () -> "Scanner " + peer + " attached to booth " + id);
    }

    /**
     * relay_message: a scanner's goes to its booth; a booth's to its earliest-attached scanner. {@code data} is
     * the message's raw data member ({@link BoothMessageReader}), -1 if it has none.
     */
    private void relay(BoothPeer peer, byte[] bytes, long data) {
        BoothRegistry.Slot attached = peer.attached;
        if (attached != null) {
            BoothPeer booth = attached.booth;
            if (booth == null) {
                error(peer, "booth_gone", "Booth is no longer available");
                return;
            }
            booth.send(scannerFrame(bytes, data));
            return;
        }
        if (cluster != null && cluster.isRemotelyAttached(peer)) { // a scanner of a booth on another node
            byte[] frame = scannerFrame(bytes, data);
            if (cluster.fromScanner(peer, frame) == 2) {
                error(peer, "booth_gone", "Booth is no longer available");
            }
            return;
        }
        BoothRegistry.Slot own = ownSlot(peer);
        if (own == null) {
            return; // neither booth nor scanner: the original did not answer
        }
        BoothPeer[] scanners = own.scanners;
        if (scanners.length == 0 && cluster == null) {
            error(peer, "no_scanner", "No scanner connected");
            return;
        }
        BoothId id = own.boothId;
        byte[] frame = boothFrame(bytes, data, id);
        BoothPeer firstLocal = scanners.length == 0 ? null : scanners[0];
        if (cluster != null && cluster.toEarliestRemote(own.id, firstLocal, frame)) {
            return; // the earliest-attached scanner is on another node
        }
        if (firstLocal == null) {
            error(peer, "no_scanner", "No scanner connected");
            return;
        }
        firstLocal.send(frame);
    }

    @Override
    public void onClose(Connection connection, int code) {
        if (!(connection.attachment() instanceof BoothPeer peer)) {
            return;
        }
        for (BoothRegistry.Slot slot : peer.registered) {
            slot.lock.lock();
            try {
                if (slot.booth == peer) {
                    slot.booth = null;
                    if (cluster != null && cluster.replacedElsewhere(slot)) {
                        continue; // its scanners went to the newer booth on another node (unlocked in finally)
                    }
                    for (BoothPeer scanner : slot.scanners) {
                        scanner.send(BoothMessages.withBoothId("booth_disconnected", scanner.scannerId));
                    }
                    if (cluster != null) {
                        cluster.boothGone(slot.id); // and to scanners on other nodes
                    }
                    LOG.log(Level.FINE, () -> "Booth " + slot.id + " disconnected (" + peer + ")");
                }
            } finally {
                slot.unlock();
            }
        }
        BoothRegistry.Slot attached = peer.attached;
        if (attached != null) {
            attached.lock.lock();
            try {
                attached.removeScanner(peer);
                BoothPeer booth = attached.booth;
                if (booth != null) {
                    booth.send(BoothMessages.withBoothId("scanner_disconnected", peer.scannerId));
                }
            } finally {
                attached.unlock();
            }
            peer.attached = null;
        }
        if (cluster != null) {
            cluster.detach(peer, true);
        }
    }

    /** The first booth_id this connection registered and still holds, or null. */
    private static BoothRegistry.Slot ownSlot(BoothPeer peer) {
        for (BoothRegistry.Slot slot : peer.registered) {
            if (slot.booth == peer) {
                return slot;
            }
        }
        return null;
    }

    /** The message's booth_id, or null if missing or empty (Python truthiness, as the original). */
    private static BoothId boothId(BoothPeer peer, Map<?, ?> fields, byte[] bytes, int offset, int length) {
        Object value = fields.get("booth_id");
        if (BoothId.isEmpty(value)) {
            return null;
        }
        long member = peer.reader.member(bytes, offset, length, BOOTH_ID);
        int start = BoothMessageReader.start(member);
        return BoothId.of(value, Arrays.copyOfRange(bytes, start, start + BoothMessageReader.length(member)));
    }

    /** A scanner's relay_message as the booth receives it; its data is copied as the raw JSON sent. */
    static byte[] scannerFrame(byte[] bytes, long data) {
        return data < 0 ? BoothMessages.fromScanner(BoothMessages.NULL, 0, 4)
                : BoothMessages.fromScanner(bytes, BoothMessageReader.start(data), BoothMessageReader.length(data));
    }

    /** A booth's relay_message as its scanner receives it. */
    static byte[] boothFrame(byte[] bytes, long data, BoothId id) {
        return data < 0 ? BoothMessages.fromBooth(BoothMessages.NULL, 0, 4, id)
                : BoothMessages.fromBooth(bytes, BoothMessageReader.start(data), BoothMessageReader.length(data), id);
    }

    /** Answers with the error frame; {@code label} names the error in metrics. */
    private void error(BoothPeer peer, String label, String message) {
        metrics.countProtocolError("booth", label);
        LOG.log(Level.FINE, () -> "Error to " + peer + ": " + message);
        peer.send(BoothMessages.error(message));
    }

    /** booth_ids held by a booth or a scanner; 0 once every peer has gone. */
    public int registrySize() {
        return registry.size();
    }

    public int booths() {
        return registry.booths();
    }

    public int scanners() {
        return registry.scanners();
    }
}
