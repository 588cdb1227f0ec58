package relay.proto.signaling;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import relay.cluster.Cluster;
import relay.cluster.ClusterBus;
import relay.cluster.Envelope;
import relay.cluster.MessageKind;
import relay.cluster.NodeId;
import relay.cluster.Wtf8;
import relay.json.Json;
import relay.net.Connection;

/**
 * Signaling rooms and targets across the nodes of a cluster (docs/cluster.md).
 *
 * <p>A client_id is owned cluster-wide by the node of the connection that registered it; a newer
 * registration on another node takes it over, and the old node closes its connection with 4000 (its room
 * hears {@code peer_left} first), as on one node. A room's members are the Redis hash
 * {@code PREFIX:signaling:room:ROOM} (client_id JSON to node), read once per registration so that
 * {@code registered} lists every member, and the topic {@code signaling:ROOM}, joined by each node with
 * local members, carries {@code peer_joined} / {@code peer_left} (the frames themselves) and keeps each
 * node's view of the remote members current. An offer, answer or ICE candidate for a member on another
 * node goes to that node as the final frame, {@code sender_id} already set.
 *
 * <p>A node given up (it died, or Redis was gone longer than the node timeout) has its members leave every
 * room here ({@code peer_left}); when it is heard again, this node asks it for its members of this node's
 * rooms ({@link MessageKind#SIGNALING_SYNC}) and tells the local members {@code peer_joined} for each, so
 * that rooms split by an outage come together again. A request can go out before the other node is
 * listening; that node asks in turn once it hears this one, and is then asked again. A node that loses an
 * id to another asks that node too, so that its local room mates learn of the newer connection, after its
 * {@code peer_left} for the old one. When the link returns, each node writes its members back into the
 * rooms' Redis hashes (Redis may have restarted empty), so that later registrations list them.
 *
 * <p>Threads: registration (one Redis round trip, outside the endpoint's lock) and relaying run on the
 * clients' reader threads; the rest on the bus's subscriber thread under the endpoint's lock, which also
 * guards the remote views here.
 */
final class SignalingCluster {
    private static final Logger LOG = Logger.getLogger("relay.Signaling");
    static final String KIND = "signaling";
    /** KEYS[1] room hash; ARGV[1] client_id JSON, ARGV[2] node. Adds the member, returns every member. */
    private static final byte[] JOIN = ("redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) "
            + "return redis.call('hgetall', KEYS[1])").getBytes(StandardCharsets.UTF_8);
    /** KEYS[1] room hash; ARGV[1] client_id JSON, ARGV[2] node. Removes the member if still that node's. */
    private static final byte[] LEAVE = ("if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "redis.call('hdel', KEYS[1], ARGV[1]) end return 0").getBytes(StandardCharsets.UTF_8);

    private final Cluster cluster;
    private final ClusterBus bus;
    private final SignalingEndpoint endpoint;
    private final byte[] selfBytes;
    /**
     * A member on another node as this node knows it. {@code told} holds the local members that learned of
     * it from their {@code registered.peers} before its {@code peer_joined} arrived (it may arrive after a
     * registration read it from Redis); null once that peer_joined has been delivered.
     */
    private static final class RemoteMember {
        final NodeId node;
        java.util.Set<Object> told;

        RemoteMember(NodeId node, java.util.Set<Object> told) {
            this.node = node;
            this.told = told;
        }
    }

    /** room_id to its members on other nodes; guarded by the endpoint's lock. */
    private final Map<Object, Map<Object, RemoteMember>> remote = new HashMap<>();
    /** Nodes asked for their members (SIGNALING_SYNC) that have not answered yet. */
    private final java.util.Set<NodeId> awaitingMembers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    SignalingCluster(Cluster cluster, SignalingEndpoint endpoint) {
        this.cluster = cluster;
        this.bus = cluster.bus();
        this.endpoint = endpoint;
        this.selfBytes = Wtf8.encode(cluster.self().toString());
        bus.on(MessageKind.SIGNALING_JOINED, this::onJoined);
        bus.on(MessageKind.SIGNALING_LEFT, this::onLeft);
        bus.on(MessageKind.SIGNALING_TO_TARGET, this::onToTarget);
        bus.on(MessageKind.SIGNALING_SYNC, this::onSync);
        bus.on(MessageKind.SIGNALING_MEMBERS, this::onMembers);
        bus.onNodeDown(this::onNodeDown);
        bus.onNodeUp(this::requestMembers);
        bus.onLinkUp(() -> Thread.ofVirtual().name("relay-signaling-rejoin").start(this::rejoinAll));
        cluster.ownership().onLost(KIND, (id, owner) -> {
            endpoint.replacedElsewhere(parse(Wtf8.encode(id)));
            if (owner != null) {
                requestMembers(owner); // the room mates here learn of the newer connection (after its peer_left)
            }
        });
    }

    /**
     * Before a registration (outside the endpoint's lock): takes the client_id cluster-wide, adds it to the
     * room in Redis and learns the room's remote members. Returns them (client_id to node).
     */
    Map<Object, NodeId> register(Object clientId, Object roomId) {
        String idJson = Json.writeString(clientId);
        cluster.ownership().takeOver(KIND, idJson);
        bus.join(topic(roomId));
        Map<Object, NodeId> members = new LinkedHashMap<>();
        try {
            Object all = cluster.redis().call(j -> j.eval(JOIN, 1, roomKey(roomId), Wtf8.encode(idJson), selfBytes));
            List<?> flat = (List<?>) all;
            List<byte[]> stale = new ArrayList<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                byte[] member = (byte[]) flat.get(i);
                NodeId node = NodeId.parse(new String((byte[]) flat.get(i + 1), StandardCharsets.US_ASCII));
                if (node.equals(cluster.self())) {
                    continue;
                }
                if (bus.isAlive(node)) {
                    members.put(parse(member), node);
                } else {
                    stale.add(member); // left behind by a node that died
                }
            }
            if (!stale.isEmpty()) {
                cluster.redis().call(j -> j.hdel(roomKey(roomId), stale.toArray(new byte[0][])));
            }
        } catch (RuntimeException e) {
            LOG.fine("Redis unreachable: room " + Json.writeString(roomId) + " lists this node's members only");
        }
        return members;
    }

    /** Under the endpoint's lock, after the local registration: records the remote members, names them. */
    List<Object> remoteMembers(Object roomId, Object clientId, Map<Object, NodeId> learned) {
        Map<Object, RemoteMember> view = remote.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
        learned.forEach((id, node) -> view.computeIfAbsent(id, k -> new RemoteMember(node, new java.util.HashSet<>())));
        view.remove(clientId);
        for (RemoteMember member : view.values()) {
            if (member.told != null) {
                member.told.add(clientId); // its peer_joined, still on the way, must not reach this one too
            }
        }
        return new ArrayList<>(view.keySet());
    }

    /** Under the endpoint's lock: a local peer joined; other nodes' members get the same peer_joined frame. */
    void joined(Object clientId, Object roomId, byte[] peerJoinedFrame) {
        bus.toTopic(bus.topic(topic(roomId)), MessageKind.SIGNALING_JOINED, 0, Json.write(roomId),
                Json.write(clientId), peerJoinedFrame);
    }

    /** Under the endpoint's lock: a local peer left its room ({@code roomEmpty}: no local member is left). */
    void left(Object clientId, Object roomId, boolean roomEmpty) {
        String idJson = Json.writeString(clientId);
        bus.toTopic(bus.topic(topic(roomId)), MessageKind.SIGNALING_LEFT, 0, Json.write(roomId), Wtf8.encode(idJson),
                SignalingEndpoint.encodeLeft(clientId));
        bus.leave(topic(roomId)); // one leave per register's join: the node holds the topic while any member does
        if (roomEmpty) {
            remote.remove(roomId);
        }
        // Redis off the lock; skipped for what a newer local registration of the same id (being made now) holds
        Thread.ofVirtual().name("relay-signaling-leave").start(() -> {
            boolean[] held = new boolean[2];
            endpoint.withLock(() -> {
                held[0] = endpoint.holds(clientId, roomId);
                held[1] = endpoint.holds(clientId, null);
            });
            try {
                if (!held[0]) {
                    cluster.redis().call(j -> j.eval(LEAVE, 1, roomKey(roomId), Wtf8.encode(idJson), selfBytes));
                }
            } catch (RuntimeException e) {
                // Redis unreachable: registrations skip members of nodes that are gone
            }
            if (!held[1]) {
                cluster.ownership().release(KIND, idJson);
            }
        });
    }

    /** The node of a member of {@code roomId} on another node, or null; under the endpoint's lock. */
    NodeId nodeOf(Object roomId, Object clientId) {
        Map<Object, RemoteMember> view = remote.get(roomId);
        RemoteMember member = view == null ? null : view.get(clientId);
        return member == null ? null : member.node;
    }

    /** An offer, answer or ICE candidate for a member on {@code node}: the frame it gets, verbatim. */
    void toTarget(NodeId node, Object roomId, Object targetId, byte[] frame) {
        bus.toNode(node, MessageKind.SIGNALING_TO_TARGET, 0, Json.write(roomId),
                Json.write(targetId), frame);
    }

    private void onJoined(Envelope e) {
        Object roomId = parse(e.key());
        Object clientId = parse(e.sub());
        endpoint.withLock(() -> {
            if (!bus.holds(topic(roomId))) {
                return; // this node's last member left meanwhile
            }
            // recorded even before a local member is registered: one may be registering right now, having
            // read the room's members from Redis just before this peer was added there
            Map<Object, RemoteMember> view = remote.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
            RemoteMember known = view.get(clientId);
            java.util.Set<Object> told = known != null && known.node.equals(e.origin()) && known.told != null
                    ? known.told : java.util.Set.of();
            view.put(clientId, new RemoteMember(e.origin(), null));
            endpoint.localMembers(roomId).forEach((id, member) -> {
                if (!told.contains(id)) {
                    member.send(e.payload());
                }
            });
        });
    }

    private void onLeft(Envelope e) {
        Object roomId = parse(e.key());
        Object clientId = parse(e.sub());
        endpoint.withLock(() -> {
            Map<Object, RemoteMember> view = remote.get(roomId);
            RemoteMember gone = view == null ? null : view.get(clientId);
            if (gone == null || !e.origin().equals(gone.node)) {
                return; // already gone, or registered again elsewhere since
            }
            view.remove(clientId);
            for (Connection member : endpoint.localMembers(roomId).values()) {
                member.send(e.payload());
            }
        });
    }

    private void onToTarget(Envelope e) {
        Object roomId = parse(e.key());
        Object targetId = parse(e.sub());
        endpoint.withLock(() -> {
            Connection target = endpoint.localMember(roomId, targetId);
            if (target != null) {
                target.send(e.payload());
            } else {
                bus.countUndeliverable();
            }
        });
    }

    /**
     * The link is back: Redis may have restarted empty, or missed registrations made while it was unreachable,
     * so this node's members are written back into their rooms (one pipelined round trip).
     */
    private void rejoinAll() {
        List<Object> members = new ArrayList<>();
        endpoint.withLock(() -> members.addAll(endpoint.localMembersOf(endpoint.localRooms())));
        if (members.isEmpty()) {
            return;
        }
        try {
            cluster.redis().call(j -> {
                redis.clients.jedis.Pipeline pipeline = j.pipelined();
                for (Object m : members) {
                    Map<?, ?> member = (Map<?, ?>) m;
                    pipeline.hset(roomKey(member.get("room_id")), Wtf8.encode(Json.writeString(member.get("client_id"))),
                            selfBytes);
                }
                pipeline.sync();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.fine("Rooms not written back (Redis unreachable again): " + e.getMessage());
        }
    }

    /** Asks {@code node} for its members of this node's rooms (none: nothing to ask). */
    private void requestMembers(NodeId node) {
        List<List<Object>> rooms = new ArrayList<>(1);
        endpoint.withLock(() -> rooms.add(endpoint.localRooms()));
        if (rooms.get(0).isEmpty()) {
            return;
        }
        awaitingMembers.add(node);
        bus.toNode(node, MessageKind.SIGNALING_SYNC, 0, new byte[0], null, Json.write(Map.of("rooms", rooms.get(0))));
    }

    private void onSync(Envelope e) {
        List<?> roomIds = (List<?>) ((Map<?, ?>) parse(e.payload())).get("rooms");
        List<List<Object>> members = new ArrayList<>(1);
        endpoint.withLock(() -> members.add(endpoint.localMembersOf(roomIds)));
        bus.toNode(e.origin(), MessageKind.SIGNALING_MEMBERS, 0, new byte[0], null,
                Json.write(Map.of("members", members.get(0))));
        if (awaitingMembers.contains(e.origin())) {
            requestMembers(e.origin()); // asked before it was listening: it is now, since it heard this node
        }
    }

    private void onMembers(Envelope e) {
        awaitingMembers.remove(e.origin());
        List<?> members = (List<?>) ((Map<?, ?>) parse(e.payload())).get("members");
        endpoint.withLock(() -> {
            for (Object m : members) {
                Map<?, ?> member = (Map<?, ?>) m;
                Object roomId = member.get("room_id");
                Object clientId = member.get("client_id");
                if (!bus.holds(topic(roomId)) || endpoint.holds(clientId, null)) {
                    continue; // no local member to tell, or the id is held here too (the loser's node asks again)
                }
                Map<Object, RemoteMember> view = remote.computeIfAbsent(roomId, r -> new LinkedHashMap<>());
                RemoteMember known = view.get(clientId);
                if (known != null && known.node.equals(e.origin())) {
                    continue; // its peer_joined (or the local members' registered.peers) told them already
                }
                view.put(clientId, new RemoteMember(e.origin(), null));
                byte[] frame = SignalingEndpoint.encodeJoined(clientId, member.get("client_type"));
                for (Connection local : endpoint.localMembers(roomId).values()) {
                    local.send(frame);
                }
            }
        });
    }

    private void onNodeDown(NodeId node) {
        awaitingMembers.remove(node);
        endpoint.withLock(() -> {
            for (Map.Entry<Object, Map<Object, RemoteMember>> room : remote.entrySet()) {
                List<Object> gone = new ArrayList<>();
                room.getValue().forEach((id, m) -> {
                    if (m.node.equals(node)) {
                        gone.add(id);
                    }
                });
                for (Object id : gone) {
                    room.getValue().remove(id);
                    byte[] frame = SignalingEndpoint.encodeLeft(id);
                    for (Connection member : endpoint.localMembers(room.getKey()).values()) {
                        member.send(frame);
                    }
                }
            }
        });
    }

    private static String topic(Object roomId) {
        return "signaling:" + Json.writeString(roomId);
    }

    private byte[] roomKey(Object roomId) {
        return Wtf8.encode(cluster.key("signaling:room:" + Json.writeString(roomId)));
    }

    private static Object parse(byte[] json) {
        return Json.parse(json, 0, json.length);
    }

}
