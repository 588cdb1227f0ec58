package relay.proto.signaling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.config.SharedSecret;
import relay.json.Json;
import relay.metrics.Metrics;
import relay.net.Connection;
import relay.net.Endpoint;
import relay.ws.CloseCode;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * signaling, the WebRTC signaling server of seed 004 (protocols.md "signaling"): clients register an id in a
 * room, learn the room's other peers, hear of peers joining and leaving, and pass offer, answer and ICE
 * candidates to a peer of their room, which receives them with {@code sender_id} in place of
 * {@code target_id}.
 *
 * <p>Threads: every connection's reader thread registers, relays and leaves. One lock guards both registries
 * (id to peer, room to members) and each connection's {@link Session}, so they always agree; notifications are
 * queued (never written) while it is held, which keeps their order (registered before peer_joined, a replaced
 * peer's peer_left before the newcomer's registered) without blocking anyone. Signaling is a control path of
 * a few messages per call, so one lock does not limit it.
 */
public final class SignalingEndpoint implements Endpoint {
    private static final Logger LOG = Logger.getLogger("relay.Signaling");
    static final String REPLACED_REASON = "client_id registered by a newer connection";

    private final Metrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    /** client_id to its peer; guarded by {@link #lock}. */
    private final Map<Object, Peer> peers = new HashMap<>();
    /** room_id to its members by client_id, in joining order; empty rooms are removed; guarded by {@link #lock}. */
    private final Map<Object, Map<Object, Peer>> rooms = new HashMap<>();

    /** A registered client. */
    private record Peer(Object clientId, Object roomId, Object clientType, Connection connection, Session session) {}

    /** Per-connection state: the peer it registered, if any; guarded by {@link #lock}. */
    private static final class Session {
        Peer peer;
    }

    /** Members on other nodes (docs/cluster.md); null on a single node. */
    private final SignalingCluster cluster;
    private final SharedSecret registerSecret;

    public SignalingEndpoint(Metrics metrics) {
        this(metrics, null);
    }

    /** A signaling endpoint whose client ids and rooms span the nodes of {@code cluster} (null: this node only). */
    public SignalingEndpoint(Metrics metrics, relay.cluster.Cluster cluster) {
        this(metrics, cluster, null);
    }

    /**
     * @param registerSecret what a {@code register} must carry in its {@code secret} field
     *     ({@code --signaling-secret}); null: no check, as the original
     */
    public SignalingEndpoint(Metrics metrics, relay.cluster.Cluster cluster, SharedSecret registerSecret) {
        this.metrics = metrics;
        this.cluster = cluster == null ? null : new SignalingCluster(cluster, this);
        this.registerSecret = registerSecret;
    }

    @Override
    public void onOpen(Connection connection) {
        connection.attach(new Session());
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        Session session = (Session) connection.attachment();
        Object parsed;
        try {
            parsed = Json.parse(bytes, offset, length);
        } catch (Json.InvalidJsonException e) {
            error(connection, "Invalid JSON", "invalid_json");
            return;
        }
        if (!(parsed instanceof Map<?, ?> message)) {
            error(connection, "Message must be a JSON object", "not_an_object");
            return;
        }
        Object type = message.get("type");
        if ("register".equals(type)) {
            register(connection, session, message);
        } else if ("offer".equals(type) || "answer".equals(type)) {
            relay(connection, session, (String) type, message, "sdp");
        } else if ("ice_candidate".equals(type)) {
            relay(connection, session, "ice_candidate", message, "candidate");
        } else {
            metrics.countProtocolError("signaling", "ignored_type");
            LOG.fine(() -> "Ignoring message of type " + type + " from " + connection);
        }
    }

    /** Binary frames are read as JSON text too, as the original's {@code json.loads} did. */
    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        onText(connection, bytes, offset, length);
    }

    @Override
    public void onClose(Connection connection, int code) {
        Session session = (Session) connection.attachment();
        lock.lock();
        try {
            if (session.peer != null) {
                leave(session.peer);
            }
        } finally {
            lock.unlock();
        }
    }

    private void register(Connection connection, Session session, Map<?, ?> message) {
        if (registerSecret != null && !registerSecret.matches(message.get("secret"))) {
            error(connection, "Invalid secret", "invalid_secret");
            return;
        }
        Object clientId = message.get("client_id");
        if (!isId(clientId)) {
            error(connection, "Missing client_id", "missing_client_id");
            return;
        }
        Object roomId = orDefault(message.get("room_id"), "default");
        Object clientType = orDefault(message.get("client_type"), "unknown");
        List<Object> others = new ArrayList<>();
        Map<Object, relay.cluster.NodeId> remoteMembers = cluster == null ? Map.of() : cluster.register(clientId, roomId);
        lock.lock();
        try {
            if (session.peer != null) {
                leave(session.peer); // registering again: leave the old room first
            }
            Peer holder = peers.get(clientId);
            if (holder != null) {
                // The newest wins: a client that reconnects before its old socket times out must get through.
                leave(holder);
                LOG.info(() -> "Client " + clientId + " registered again by " + connection + "; closing " + holder.connection());
                holder.connection().close(CloseCode.REPLACED, REPLACED_REASON);
            }
            Peer peer = new Peer(clientId, roomId, clientType, connection, session);
            Map<Object, Peer> room = rooms.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
            others.addAll(room.keySet());
            if (cluster != null) {
                others.addAll(cluster.remoteMembers(roomId, clientId, remoteMembers));
            }
            room.put(clientId, peer);
            peers.put(clientId, peer);
            session.peer = peer;

            Map<String, Object> registered = new LinkedHashMap<>();
            registered.put("type", "registered");
            registered.put("client_id", clientId);
            registered.put("room_id", roomId);
            registered.put("peers", others);
            send(connection, registered);
            byte[] frame = encodeJoined(clientId, clientType);
            for (Peer other : room.values()) {
                if (other != peer) {
                    other.connection().send(frame);
                }
            }
            if (cluster != null) {
                cluster.joined(clientId, roomId, frame);
            }
        } finally {
            lock.unlock();
        }
        LOG.info(() -> "Client registered: " + clientId + " (" + clientType + ") in room " + roomId);
    }

    /** offer, answer and ice_candidate: to the target in the sender's room, with sender_id for target_id. */
    private void relay(Connection connection, Session session, String type, Map<?, ?> message, String payloadField) {
        Object targetId = message.get("target_id");
        Object payload = message.get(payloadField);
        Peer sender;
        Peer target;
        relay.cluster.NodeId targetNode = null;
        lock.lock();
        try {
            sender = session.peer;
            Map<Object, Peer> room = sender == null ? null : rooms.get(sender.roomId());
            target = room == null ? null : room.get(targetId);
            if (target == null && sender != null && cluster != null) {
                targetNode = cluster.nodeOf(sender.roomId(), targetId);
            }
        } finally {
            lock.unlock();
        }
        if (sender == null) {
            error(connection, "Not registered", "not_registered");
            return;
        }
        if (isEmpty(targetId)) {
            error(connection, "Missing target_id", "missing_field");
            return;
        }
        if (isEmpty(payload)) {
            error(connection, "Missing " + payloadField, "missing_field");
            return;
        }
        if (target == null && targetNode == null) {
            error(connection, "Unknown target_id: " + text(targetId), "unknown_target");
            return;
        }
        Map<String, Object> relayed = new LinkedHashMap<>();
        relayed.put("type", type);
        relayed.put("sender_id", sender.clientId());
        relayed.put(payloadField, payload);
        if (target != null) {
            target.connection().send(encode(relayed));
        } else {
            cluster.toTarget(targetNode, sender.roomId(), targetId, encode(relayed)); // a member on another node
        }
        LOG.log(Level.FINE, () -> "Relayed " + type + " from " + text(sender.clientId()) + " to " + text(targetId));
    }

    /** Removes a peer from both registries and tells its room; call with the lock held. */
    private void leave(Peer peer) {
        peer.session().peer = null;
        peers.remove(peer.clientId(), peer);
        Map<Object, Peer> room = rooms.get(peer.roomId());
        if (room == null || !room.remove(peer.clientId(), peer)) {
            return;
        }
        if (cluster != null) {
            cluster.left(peer.clientId(), peer.roomId(), room.isEmpty());
        }
        if (room.isEmpty()) {
            rooms.remove(peer.roomId());
            LOG.fine(() -> "Room " + text(peer.roomId()) + " is empty: deleted");
            return;
        }
        byte[] frame = encodeLeft(peer.clientId());
        for (Peer other : room.values()) {
            other.connection().send(frame);
        }
        LOG.info(() -> "Client left: " + text(peer.clientId()) + " from room " + text(peer.roomId()));
    }

    static byte[] encodeLeft(Object clientId) {
        Map<String, Object> left = new LinkedHashMap<>();
        left.put("type", "peer_left");
        left.put("client_id", clientId);
        return encode(left);
    }

    // ---- for SignalingCluster: the registries under their lock ----

    void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** The rooms with local members; call holding the lock. */
    List<Object> localRooms() {
        return new ArrayList<>(rooms.keySet());
    }

    /** The local members of these rooms as {room_id, client_id, client_type}; call holding the lock. */
    List<Object> localMembersOf(List<?> roomIds) {
        List<Object> members = new ArrayList<>();
        for (Object roomId : roomIds) {
            Map<Object, Peer> room = rooms.get(roomId);
            if (room != null) {
                for (Peer p : room.values()) {
                    Map<String, Object> member = new LinkedHashMap<>();
                    member.put("room_id", p.roomId());
                    member.put("client_id", p.clientId());
                    member.put("client_type", p.clientType());
                    members.add(member);
                }
            }
        }
        return members;
    }

    /** The peer_joined frame for a client, as a registration sends it. */
    static byte[] encodeJoined(Object clientId, Object clientType) {
        Map<String, Object> joined = new LinkedHashMap<>();
        joined.put("type", "peer_joined");
        joined.put("client_id", clientId);
        joined.put("client_type", clientType);
        return encode(joined);
    }

    /** The local members of a room by client_id (empty if none); call holding the lock. */
    Map<Object, Connection> localMembers(Object roomId) {
        Map<Object, Peer> room = rooms.get(roomId);
        Map<Object, Connection> members = new LinkedHashMap<>();
        if (room != null) {
            room.forEach((id, peer) -> members.put(id, peer.connection()));
        }
        return members;
    }

    /** The connection of a local member of a room, or null; call holding the lock. */
    Connection localMember(Object roomId, Object clientId) {
        Map<Object, Peer> room = rooms.get(roomId);
        Peer peer = room == null ? null : room.get(clientId);
        return peer == null ? null : peer.connection();
    }

    /** Whether a local connection holds {@code clientId} in {@code roomId} (null: in any room); call holding the lock. */
    boolean holds(Object clientId, Object roomId) {
        Peer peer = peers.get(clientId);
        return peer != null && (roomId == null || peer.roomId().equals(roomId));
    }

    /** {@code clientId} was registered by a newer connection on another node: the local one goes, with 4000. */
    void replacedElsewhere(Object clientId) {
        lock.lock();
        try {
            Peer holder = peers.get(clientId);
            if (holder != null) {
                leave(holder);
                LOG.info(() -> "Client " + clientId + " registered again on another node; closing " + holder.connection());
                holder.connection().close(CloseCode.REPLACED, REPLACED_REASON);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of registered clients (for tests and metrics). */
    public int peerCount() {
        lock.lock();
        try {
            return peers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Number of non-empty rooms (for tests and metrics). */
    public int roomCount() {
        lock.lock();
        try {
            return rooms.size();
        } finally {
            lock.unlock();
        }
    }

    private void error(Connection connection, String message, String errorLabel) {
        metrics.countProtocolError("signaling", errorLabel);
        LOG.fine(() -> "Error to " + connection + ": " + message);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("message", message);
        send(connection, error);
    }

    private static void send(Connection connection, Map<String, Object> message) {
        connection.send(encode(message));
    }

    private static byte[] encode(Map<String, Object> message) {
        return FrameWriter.encode(Opcode.TEXT, Json.write(message));
    }

    /** An id usable as a registry key: a non-empty string or a number, echoed back as given. */
    private static boolean isId(Object value) {
        return value instanceof String s ? !s.isEmpty() : value instanceof Number;
    }

    private static Object orDefault(Object value, String fallback) {
        return value == null || "".equals(value) ? fallback : value;
    }

    /** Missing, null, "" or an empty object/array. */
    private static boolean isEmpty(Object value) {
        return value == null || "".equals(value) || value instanceof Map<?, ?> m && m.isEmpty()
                || value instanceof List<?> l && l.isEmpty();
    }

    /** How an id reads in an error message: strings as they are, other values as JSON. */
    private static String text(Object value) {
        return value instanceof String s ? s : Json.writeString(value);
    }
}
