package relay.proto.booth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import relay.cluster.Cluster;
import relay.cluster.ClusterBus;
import relay.cluster.Envelope;
import relay.cluster.MessageKind;
import relay.cluster.NodeId;
import relay.json.Json;
import relay.ws.CloseCode;

/**
 * Booths and scanners across the nodes of a cluster (docs/cluster.md). A booth_id is owned cluster-wide by
 * the node of the booth that registered it last (newest wins: a registration on another node takes it
 * over and the old booth is closed with 4000). A scanner may attach to a booth on another node: its node
 * keeps an {@link Attachment}; the booth's node keeps it among the booth's {@link RemoteScanner}s, so that
 * {@code scanner_connected} / {@code scanner_disconnected} reach the booth and the booth's
 * {@code relay_message} reaches the earliest-attached scanner wherever it is. Messages cross as the final
 * frames. When a booth leaves, every node's scanners of it get {@code booth_disconnected} and stay attached;
 * when any node registers the id again, they attach to that booth (which gets {@code scanner_connected}
 * for each), as on one node. A booth replaced by a newer one on another node takes its scanners with it to
 * that booth without telling them, as on one node; that includes a booth registered while Redis was down,
 * which wins when Redis returns if it is the newer (docs/cluster.md). A node given up (it died, or Redis was
 * gone longer than the node timeout) has its booths' scanners here told booth_disconnected; when it is heard
 * again and scanners here are waiting, this node asks it for its booths ({@link MessageKind#BOOTH_SYNC}),
 * and the waiting scanners attach to them as to a booth registering again. A request can go out before the
 * other node is listening; that node asks in turn once it hears this one, and is then asked again.
 *
 * <p>Threads: the connections' reader threads and the bus's subscriber thread.
 */
final class BoothCluster {
    static final String KIND = "booth";
    private static final byte[] REATTACH = {1};
    private static final byte[] FIRST_ATTACH = {0};
    private static final byte[] NOTIFY = {1};
    private static final byte[] SILENT = {0};

    /** A scanner on this node attached to a booth_id whose booth is on another node (or gone). */
    static final class Attachment {
        final BoothPeer scanner;
        final BoothId id;
        /** The booth's node; null while the booth is gone (the scanner waits for it to register again). */
        volatile NodeId boothNode;

        Attachment(BoothPeer scanner, BoothId id, NodeId boothNode) {
            this.scanner = scanner;
            this.id = id;
            this.boothNode = boothNode;
        }
    }

    /** A scanner on another node attached to a booth on this node. */
    record RemoteScanner(NodeId node, long connection, BoothId scannerId, long attachedAtNs) {}

    private final Cluster cluster;
    private final ClusterBus bus;
    private final BoothRegistry registry;
    /** This node's remotely attached scanners, by connection id. */
    private final Map<Long, Attachment> attachments = new ConcurrentHashMap<>();
    /** Scanners on other nodes of this node's booths, by booth_id, earliest attached first. */
    private final Map<BoothId, List<RemoteScanner>> remoteScanners = new ConcurrentHashMap<>();
    /** Ownership keys of local booths being closed because another node took their id, to that node. */
    private final Map<String, NodeId> replacedBy = new ConcurrentHashMap<>();
    /** Nodes asked for their booths (BOOTH_SYNC) that have not answered yet. */
    private final java.util.Set<NodeId> awaitingBooths = ConcurrentHashMap.newKeySet();

    BoothCluster(Cluster cluster, BoothRegistry registry) {
        this.cluster = cluster;
        this.bus = cluster.bus();
        this.registry = registry;
        bus.on(MessageKind.BOOTH_SCANNER_CONNECT, this::onScannerConnect);
        bus.on(MessageKind.BOOTH_FROM_SCANNER, this::onFromScanner);
        bus.on(MessageKind.BOOTH_SCANNER_DISCONNECT, this::onScannerDisconnect);
        bus.on(MessageKind.BOOTH_TO_SCANNER, this::onToScanner);
        bus.on(MessageKind.BOOTH_ATTACHED, this::onAttached);
        bus.on(MessageKind.BOOTH_UNAVAILABLE, this::onUnavailable);
        bus.on(MessageKind.BOOTH_GONE, this::onBoothGone);
        bus.on(MessageKind.BOOTH_BACK, this::onBoothBack);
        bus.on(MessageKind.BOOTH_SYNC, this::onSync);
        bus.on(MessageKind.BOOTH_SYNCED, e -> awaitingBooths.remove(e.origin()));
        bus.onNodeDown(this::onNodeDown);
        bus.onNodeUp(this::requestBooths);
        cluster.ownership().onLost(KIND, (key, owner) -> {
            List<BoothPeer> replaced = localBooths(key);
            if (owner != null && !replaced.isEmpty()) {
                replacedBy.put(key, owner); // their scanners follow to the new booth (replacedElsewhere)
            }
            for (BoothPeer booth : replaced) {
                booth.connection.close(CloseCode.REPLACED, BoothEndpoint.REPLACED_REASON);
            }
        });
        // a booth registered while Redis was down: the BOOTH_BACK it sent then was lost; scanners waiting
        // elsewhere (or whose booth this one replaces) attach to it now
        cluster.ownership().onReasserted(KIND, key -> registry.forEachBooth((id, booth) -> {
            if (key(id).equals(key)) {
                bus.toAll(MessageKind.BOOTH_BACK, 0, id.json(), null, null);
            }
        }));
    }

    static String key(BoothId id) {
        return Json.writeString(id.key());
    }

    // ---- the booth's node ----

    /** Before a local registration (no lock held): takes the id cluster-wide. */
    void registering(BoothId id) {
        cluster.ownership().takeOver(KIND, key(id));
    }

    /**
     * After a local registration, under the slot's lock: this node's scanners attached to the id elsewhere
     * now attach here (the booth gets scanner_connected for each), and those of other nodes follow.
     */
    void registered(BoothId id, BoothRegistry.Slot slot, BoothPeer booth) {
        for (Attachment a : attachments.values()) {
            if (a.id.equals(id) && attachments.remove(a.scanner.connection.id(), a)) {
                slot.addScanner(a.scanner);
                a.scanner.attached = slot;
                a.scanner.attachedAtNs = System.nanoTime();
                booth.send(BoothMessages.withBoothId("scanner_connected", a.scanner.scannerId));
            }
        }
        bus.toAll(MessageKind.BOOTH_BACK, 0, id.json(), null, null);
    }

    /**
     * Under the slot's lock, when its booth closes: if the booth was replaced by a newer one on another node,
     * its scanners, here and elsewhere, now belong to that booth (which gets scanner_connected for each), and
     * they are not told, as on one node. Returns false if it was not replaced (the booth simply left).
     */
    boolean replacedElsewhere(BoothRegistry.Slot slot) {
        NodeId node = replacedBy.remove(key(slot.id));
        if (node == null) {
            return false;
        }
        remoteScanners.remove(slot.id); // their nodes follow the new booth's BOOTH_BACK
        for (BoothPeer scanner : slot.scanners) { // removeScanner replaces the array: this one stays as it was
            slot.removeScanner(scanner);
            scanner.attached = null;
            attachments.put(scanner.connection.id(), new Attachment(scanner, scanner.scannerId, node));
            bus.toNode(node, MessageKind.BOOTH_SCANNER_CONNECT, scanner.connection.id(), scanner.scannerId.json(), null,
                    REATTACH);
        }
        return true;
    }

    /** A local booth left its id: remote scanners hear booth_disconnected and wait; the id is free. */
    void boothGone(BoothId id) {
        remoteScanners.remove(id);
        bus.toAll(MessageKind.BOOTH_GONE, 0, id.json(), null, null);
        Thread.ofVirtual().name("relay-booth-release").start(() -> {
            if (!hasLocalBooth(id)) { // unless a local booth registered the id again meanwhile
                cluster.ownership().release(KIND, key(id));
            }
        });
    }

    private boolean hasLocalBooth(BoothId id) {
        BoothRegistry.Slot slot = registry.lock(id, false);
        if (slot == null) {
            return false;
        }
        try {
            return slot.booth != null;
        } finally {
            slot.unlock();
        }
    }

    /**
     * A booth's relay_message: to the earliest-attached scanner, which may be on another node. Returns true
     * if a remote scanner took it (else the caller sends to {@code firstLocal} or answers "No scanner").
     */
    boolean toEarliestRemote(BoothId id, BoothPeer firstLocal, byte[] frame) {
        List<RemoteScanner> remote = remoteScanners.get(id);
        if (remote == null || remote.isEmpty()) {
            return false;
        }
        RemoteScanner first = remote.get(0);
        if (firstLocal != null && firstLocal.attachedAtNs <= first.attachedAtNs()) {
            return false;
        }
        bus.toNode(first.node(), MessageKind.BOOTH_TO_SCANNER, first.connection(), id.json(), null, frame);
        return true;
    }

    private void onScannerConnect(Envelope e) {
        BoothId id = idOf(e.key());
        boolean reattach = e.payload().length > 0 && e.payload()[0] == 1;
        BoothRegistry.Slot slot = registry.lock(id, false);
        if (slot != null) {
            try {
                BoothPeer booth = slot.booth;
                if (booth != null) {
                    List<RemoteScanner> list = remoteScanners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
                    list.removeIf(r -> r.node().equals(e.origin()) && r.connection() == e.connection());
                    list.add(new RemoteScanner(e.origin(), e.connection(), id, System.nanoTime()));
                    booth.send(BoothMessages.withBoothId("scanner_connected", id));
                    if (!reattach) {
                        bus.toNode(e.origin(), MessageKind.BOOTH_ATTACHED, e.connection(), e.key(), null, null);
                    }
                    return;
                }
            } finally {
                slot.unlock();
            }
        }
        if (!reattach) {
            bus.toNode(e.origin(), MessageKind.BOOTH_UNAVAILABLE, e.connection(), e.key(), null, null);
        }
    }

    private void onFromScanner(Envelope e) {
        BoothRegistry.Slot slot = registry.lock(idOf(e.key()), false);
        if (slot == null) {
            bus.countUndeliverable();
            return;
        }
        try {
            BoothPeer booth = slot.booth;
            if (booth != null) {
                booth.send(e.payload());
            } else {
                bus.countUndeliverable();
            }
        } finally {
            slot.unlock();
        }
    }

    private void onScannerDisconnect(Envelope e) {
        BoothId id = idOf(e.key());
        removeRemoteScanner(id, e.origin(), e.connection(), e.payload().length > 0 && e.payload()[0] == 1);
    }

    private void removeRemoteScanner(BoothId id, NodeId node, long connection, boolean notify) {
        List<RemoteScanner> list = remoteScanners.get(id);
        if (list == null || !list.removeIf(r -> r.node().equals(node) && r.connection() == connection) || !notify) {
            return;
        }
        BoothRegistry.Slot slot = registry.lock(id, false);
        if (slot != null) {
            try {
                if (slot.booth != null) {
                    slot.booth.send(BoothMessages.withBoothId("scanner_disconnected", id));
                }
            } finally {
                slot.unlock();
            }
        }
    }

    // ---- the scanner's node ----

    /**
     * connect_scanner for an id with no booth on this node: attaches to the owner's booth if another live
     * node has one (the answer, connection_success or the not-available error, comes back from that node).
     * Returns false if no other node has the booth.
     */
    boolean attach(BoothPeer scanner, BoothId id) {
        NodeId owner = cluster.ownership().owner(KIND, key(id));
        if (owner == null || owner.equals(cluster.self()) || !bus.isAlive(owner)) {
            return false;
        }
        detach(scanner, false);
        detachLocal(scanner);
        scanner.scannerId = id;
        attachments.put(scanner.connection.id(), new Attachment(scanner, id, owner));
        bus.toNode(owner, MessageKind.BOOTH_SCANNER_CONNECT, scanner.connection.id(), id.json(), null, FIRST_ATTACH);
        return true;
    }

    /** Ends a remote attachment (the scanner attached elsewhere, or closed: {@code notify} the booth then). */
    void detach(BoothPeer scanner, boolean notify) {
        Attachment a = attachments.remove(scanner.connection.id());
        if (a != null && a.boothNode != null) {
            bus.toNode(a.boothNode, MessageKind.BOOTH_SCANNER_DISCONNECT, scanner.connection.id(), a.id.json(), null,
                    notify ? NOTIFY : SILENT);
        }
    }

    /** 0: not remotely attached; 1: sent to the booth; 2: the booth is gone. */
    int fromScanner(BoothPeer scanner, byte[] frame) {
        Attachment a = attachments.get(scanner.connection.id());
        if (a == null) {
            return 0;
        }
        NodeId node = a.boothNode;
        if (node == null) {
            return 2;
        }
        bus.toNode(node, MessageKind.BOOTH_FROM_SCANNER, scanner.connection.id(), a.id.json(), null, frame);
        return 1;
    }

    boolean isRemotelyAttached(BoothPeer scanner) {
        return attachments.containsKey(scanner.connection.id());
    }

    private void onAttached(Envelope e) {
        Attachment a = attachments.get(e.connection());
        if (a != null) {
            a.scanner.send(BoothMessages.withBoothId("connection_success", a.id));
        }
    }

    private void onUnavailable(Envelope e) {
        Attachment a = attachments.remove(e.connection());
        if (a != null) {
            a.scanner.send(BoothMessages.error("Booth " + a.id.text() + " is not available"));
        }
    }

    private void onToScanner(Envelope e) {
        Attachment a = attachments.get(e.connection());
        if (a != null) {
            a.scanner.send(e.payload());
        } else {
            bus.countUndeliverable();
        }
    }

    private void onBoothGone(Envelope e) {
        BoothId id = idOf(e.key());
        for (Attachment a : attachments.values()) {
            if (a.id.equals(id) && e.origin().equals(a.boothNode)) {
                a.boothNode = null;
                a.scanner.send(BoothMessages.withBoothId("booth_disconnected", a.scanner.scannerId));
            }
        }
    }

    private void onBoothBack(Envelope e) {
        BoothId id = idOf(e.key());
        for (Attachment a : attachments.values()) {
            if (a.id.equals(id) && !e.origin().equals(a.boothNode)) {
                a.boothNode = e.origin();
                bus.toNode(e.origin(), MessageKind.BOOTH_SCANNER_CONNECT, a.scanner.connection.id(), a.id.json(), null, REATTACH);
            }
        }
        // scanners waiting here (their booth left this node) follow the booth to its new node
        BoothRegistry.Slot slot = registry.lock(id, false);
        if (slot == null) {
            return;
        }
        List<BoothPeer> moving = new ArrayList<>();
        try {
            if (slot.booth == null) {
                for (BoothPeer scanner : slot.scanners) {
                    moving.add(scanner);
                    slot.removeScanner(scanner);
                    scanner.attached = null;
                }
            }
        } finally {
            slot.unlock();
        }
        for (BoothPeer scanner : moving) {
            BoothId asWritten = scanner.scannerId;
            attachments.put(scanner.connection.id(), new Attachment(scanner, asWritten, e.origin()));
            bus.toNode(e.origin(), MessageKind.BOOTH_SCANNER_CONNECT, scanner.connection.id(), asWritten.json(), null, REATTACH);
        }
    }

    /** Asks {@code node} for its booths if scanners here wait for a booth. */
    private void requestBooths(NodeId node) {
        boolean waiting = registry.hasWaitingScanners();
        for (Attachment a : attachments.values()) {
            waiting |= a.boothNode == null;
        }
        if (waiting) {
            awaitingBooths.add(node);
            bus.toNode(node, MessageKind.BOOTH_SYNC, 0, new byte[0], null, null);
        }
    }

    /** Another node asks for this node's booths: a BOOTH_BACK for each (as if each registered again), then the end. */
    private void onSync(Envelope e) {
        registry.forEachBooth((id, booth) -> bus.toNode(e.origin(), MessageKind.BOOTH_BACK, 0, id.json(), null, null));
        bus.toNode(e.origin(), MessageKind.BOOTH_SYNCED, 0, new byte[0], null, null);
        if (awaitingBooths.contains(e.origin())) {
            requestBooths(e.origin()); // asked before it was listening: it is now, since it heard this node
        }
    }

    private void onNodeDown(NodeId node) {
        awaitingBooths.remove(node);
        for (Attachment a : attachments.values()) {
            if (node.equals(a.boothNode)) {
                a.boothNode = null;
                a.scanner.send(BoothMessages.withBoothId("booth_disconnected", a.scanner.scannerId));
            }
        }
        for (Map.Entry<BoothId, List<RemoteScanner>> entry : remoteScanners.entrySet()) {
            for (RemoteScanner r : List.copyOf(entry.getValue())) {
                if (r.node().equals(node)) {
                    removeRemoteScanner(entry.getKey(), node, r.connection(), true);
                }
            }
        }
    }

    /** Local booths holding the id with this ownership key (a scan: only when another node takes an id over). */
    private List<BoothPeer> localBooths(String key) {
        List<BoothPeer> booths = new ArrayList<>();
        registry.forEachBooth((id, booth) -> {
            if (key(id).equals(key)) {
                booths.add(booth);
            }
        });
        return booths;
    }

    /** Removes a scanner from the local slot it is attached to (it is attaching to a remote booth). */
    private static void detachLocal(BoothPeer scanner) {
        BoothRegistry.Slot slot = scanner.attached;
        if (slot == null) {
            return;
        }
        slot.lock.lock();
        try {
            slot.removeScanner(scanner);
        } finally {
            slot.unlock();
        }
        scanner.attached = null;
    }

    private static BoothId idOf(byte[] json) {
        return BoothId.of(Json.parse(json, 0, json.length), json);
    }
}
