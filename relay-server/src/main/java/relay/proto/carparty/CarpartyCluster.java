package relay.proto.carparty;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.cluster.Cluster;
import relay.cluster.ClusterBus;
import relay.cluster.Envelope;
import relay.cluster.MessageKind;
import relay.cluster.NodeId;
import relay.cluster.Wtf8;
import relay.net.Connection;
import relay.ws.CloseCode;
import relay.route.MemberArrays;

/**
 * CarParty across the nodes of a cluster (docs/cluster.md). A server code is owned cluster-wide by the node
 * of its game server (a leased Redis key); its clients may log in on any node.
 *
 * <p>On a client's node, the clients of a remote server share a proxy {@link CarpartyRegistry.Room} (its
 * {@code serverNode} names the server's node); the client's connect, messages (the frame the server will
 * get, {@code client_id} already spliced in) and disconnect go to the server's node in that order, on the
 * one ordered stream between the two nodes. On the server's node, {@link RemoteClients} keeps the clients
 * logged in elsewhere, so the server's frames go once to each node that has recipients (all of its clients,
 * or those matching {@code receiver_id}), the encoded frame verbatim. When the server leaves, each such node
 * closes its clients with 1001; when a node goes (crash, Redis gone longer than the node timeout), the other
 * side acts as if each of its connections had closed: servers get {@code disconnect}, clients 1001.
 *
 * <p>Threads: readers of the local connections, and the bus's subscriber thread for what arrives.
 */
final class CarpartyCluster {
    private static final Logger LOG = Logger.getLogger("relay.CarParty");
    static final String KIND = "carparty";

    /** One client logged in on another node ({@code clientIdUtf8}: the sub of the envelopes addressed to it). */
    record RemoteClient(NodeId node, long connection, String clientId, byte[] clientIdJson, byte[] clientIdUtf8) {}

    /** A local server's clients on other nodes: copy-on-write under the room's lock, read lock-free by fan-out. */
    static final class RemoteClients {
        volatile RemoteClient[] clients = new RemoteClient[0];
        /** The distinct nodes of {@link #clients}. */
        volatile NodeId[] nodes = new NodeId[0];

        void set(RemoteClient[] next) {
            Set<NodeId> distinct = new LinkedHashSet<>();
            for (RemoteClient c : next) {
                distinct.add(c.node());
            }
            clients = next;
            nodes = distinct.toArray(new NodeId[0]);
        }
    }

    private final Cluster cluster;
    private final ClusterBus bus;
    private final CarpartyRegistry registry;
    /** Proxy rooms of remote servers by code; each holds this node's clients of that server. */
    private final Map<String, CarpartyRegistry.Room> proxies = new ConcurrentHashMap<>();

    CarpartyCluster(Cluster cluster, CarpartyRegistry registry) {
        this.cluster = cluster;
        this.bus = cluster.bus();
        this.registry = registry;
        bus.on(MessageKind.CARPARTY_CONNECT, this::onConnect);
        bus.on(MessageKind.CARPARTY_FROM_CLIENT, this::onFromClient);
        bus.on(MessageKind.CARPARTY_DISCONNECT, this::onDisconnect);
        bus.on(MessageKind.CARPARTY_TO_ALL, e -> onToClients(e, null));
        bus.on(MessageKind.CARPARTY_TO_RECEIVER, e -> onToClients(e, e.subString()));
        bus.on(MessageKind.CARPARTY_SERVER_GONE, e -> closeProxy(e.keyString(), e.origin()));
        bus.on(MessageKind.CARPARTY_REFUSED, this::onRefused);
        bus.onNodeDown(this::onNodeDown);
        cluster.ownership().onLost(KIND, (code, owner) -> {
            CarpartyRegistry.Room room = registry.find(code);
            if (room != null) {
                LOG.warning("server_code " + code + " was taken by node " + owner.shortName() + "; closing its server here");
                room.server.close(CloseCode.POLICY_VIOLATION, "server_code in use");
            }
        });
    }

    // ---- the server's node ----

    /** A local server logged in: claims its code cluster-wide; false if another node's server holds it. */
    boolean claim(String code) {
        return cluster.ownership().claim(KIND, code);
    }

    /** A local server's frame, after its local clients: once to each node with recipients. */
    void fromServer(CarpartyRegistry.Room room, byte[] frame, Object receiver, boolean toAll) {
        RemoteClients remote = room.remoteClients;
        if (remote == null) {
            return;
        }
        byte[] code = room.codeBytes;
        if (toAll) {
            for (NodeId node : remote.nodes) {
                bus.toNode(node, MessageKind.CARPARTY_TO_ALL, 0, code, null, frame);
            }
            return;
        }
        if (!(receiver instanceof String receiverId)) {
            return;
        }
        RemoteClient[] clients = remote.clients;
        for (NodeId node : remote.nodes) {
            for (RemoteClient client : clients) {
                if (client.node().equals(node) && client.clientId().equals(receiverId)) {
                    bus.toNode(node, MessageKind.CARPARTY_TO_RECEIVER, 0, code, client.clientIdUtf8(), frame);
                    break;
                }
            }
        }
    }

    /** A local server left: the code is free at once, and every node with its clients closes them. */
    void serverGone(CarpartyRegistry.Room room) {
        cluster.ownership().release(KIND, room.code);
        RemoteClients remote = room.remoteClients;
        if (remote == null) {
            return;
        }
        room.lock.lock();
        NodeId[] nodes;
        try {
            nodes = remote.nodes;
            remote.set(new RemoteClient[0]);
        } finally {
            room.lock.unlock();
        }
        for (NodeId node : nodes) {
            bus.toNode(node, MessageKind.CARPARTY_SERVER_GONE, 0, room.codeBytes, null, null);
        }
    }

    private void onConnect(Envelope e) {
        CarpartyRegistry.Room room = registry.find(e.keyString());
        if (room != null) {
            room.lock.lock();
            try {
                if (!room.closed) {
                    RemoteClients remote = room.remoteClients;
                    if (remote == null) {
                        remote = new RemoteClients();
                        room.remoteClients = remote;
                    }
                    String clientId = jsonString(e.sub());
                    remote.set(MemberArrays.with(remote.clients, new RemoteClient(e.origin(), e.connection(),
                            clientId, e.sub(), Wtf8.encode(clientId))));
                    room.server.send(CarpartyEndpoint.notice("connect", e.sub()));
                    return;
                }
            } finally {
                room.lock.unlock();
            }
        }
        bus.toNode(e.origin(), MessageKind.CARPARTY_REFUSED, e.connection(), e.key(), null, null);
    }

    private void onFromClient(Envelope e) {
        CarpartyRegistry.Room room = registry.find(e.keyString());
        RemoteClients remote = room == null ? null : room.remoteClients;
        if (remote != null && indexOf(remote.clients, e.origin(), e.connection()) >= 0) {
            room.server.send(e.payload());
        } else {
            bus.countUndeliverable();
        }
    }

    private void onDisconnect(Envelope e) {
        CarpartyRegistry.Room room = registry.find(e.keyString());
        if (room != null) {
            removeRemote(room, e.origin(), e.connection());
        }
    }

    /** Removes a remote client and tells the server; false if it was not there. */
    private boolean removeRemote(CarpartyRegistry.Room room, NodeId node, long connection) {
        room.lock.lock();
        try {
            RemoteClients remote = room.remoteClients;
            int i = remote == null ? -1 : indexOf(remote.clients, node, connection);
            if (i < 0) {
                return false;
            }
            RemoteClient gone = remote.clients[i];
            remote.set(MemberArrays.without(remote.clients, i));
            if (!room.closed) {
                room.server.send(CarpartyEndpoint.notice("disconnect", gone.clientIdJson()));
            }
            return true;
        } finally {
            room.lock.unlock();
        }
    }

    private static int indexOf(RemoteClient[] clients, NodeId node, long connection) {
        for (int i = 0; i < clients.length; i++) {
            if (clients[i].connection() == connection && clients[i].node().equals(node)) {
                return i;
            }
        }
        return -1;
    }

    // ---- a client's node ----

    /**
     * A client logged in with a code that has no server on this node: joins the proxy room of the node that
     * owns the code and tells that node. False if no live node owns it.
     */
    boolean joinRemote(Connection connection, String code, String clientId, byte[] clientIdJson) {
        NodeId owner = cluster.ownership().owner(KIND, code);
        if (owner == null || owner.equals(cluster.self()) || !bus.isAlive(owner)) {
            return false;
        }
        while (true) {
            CarpartyRegistry.Room proxy = proxies.computeIfAbsent(code, c -> new CarpartyRegistry.Room(c, owner));
            CarpartyPeer client = new CarpartyPeer(connection, proxy, clientId, clientIdJson);
            proxy.lock.lock();
            try {
                if (proxy.closed) {
                    continue; // its server just left; a fresh proxy (or a refusal) follows
                }
                if (!proxy.serverNode.equals(owner)) {
                    return false; // a stale proxy of an earlier server is being closed
                }
                connection.attach(client);
                proxy.add(client);
                bus.toNode(owner, MessageKind.CARPARTY_CONNECT, connection.id(), proxy.codeBytes, clientIdJson, null);
                return true;
            } finally {
                proxy.lock.unlock();
            }
        }
    }

    /** A client's message for its remote server: the frame the server gets, as encoded here. */
    void toServer(CarpartyPeer client, byte[] frame) {
        bus.toNode(client.room.serverNode, MessageKind.CARPARTY_FROM_CLIENT, client.connection.id(),
                client.room.codeBytes, null, frame);
    }

    /** A client of a remote server left (after all its messages: same reader thread, same ordered stream). */
    void clientLeft(CarpartyPeer client) {
        CarpartyRegistry.Room proxy = client.room;
        boolean wasThere;
        proxy.lock.lock();
        try {
            wasThere = proxy.remove(client);
            if (proxy.clients.length == 0 && !proxy.closed) {
                proxy.closed = true;
                proxies.remove(proxy.code, proxy);
            }
        } finally {
            proxy.lock.unlock();
        }
        if (wasThere) {
            bus.toNode(proxy.serverNode, MessageKind.CARPARTY_DISCONNECT, client.connection.id(), proxy.codeBytes, null, null);
        }
    }

    private void onToClients(Envelope e, String receiverId) {
        CarpartyRegistry.Room proxy = proxies.get(e.keyString());
        if (proxy == null || !proxy.serverNode.equals(e.origin())) {
            bus.countUndeliverable();
            return;
        }
        byte[] frame = e.payload();
        for (CarpartyPeer client : proxy.clients) {
            if (receiverId == null || client.clientId.equals(receiverId)) {
                client.connection.send(frame);
            }
        }
    }

    /** The remote server left (or its node went): close every client of it here with 1001. */
    private void closeProxy(String code, NodeId serverNode) {
        CarpartyRegistry.Room proxy = proxies.get(code);
        if (proxy == null || !proxy.serverNode.equals(serverNode)) {
            return;
        }
        CarpartyPeer[] clients;
        proxy.lock.lock();
        try {
            proxy.closed = true;
            proxies.remove(code, proxy);
            clients = proxy.clients;
            proxy.clients = CarpartyRegistry.NONE;
        } finally {
            proxy.lock.unlock();
        }
        for (CarpartyPeer client : clients) {
            client.connection.close(CloseCode.GOING_AWAY, CarpartyEndpoint.SERVER_GONE);
        }
    }

    private void onRefused(Envelope e) {
        CarpartyRegistry.Room proxy = proxies.get(e.keyString());
        if (proxy == null) {
            return;
        }
        for (CarpartyPeer client : proxy.clients) {
            if (client.connection.id() == e.connection()) {
                client.connection.close(CloseCode.POLICY_VIOLATION, "unknown server_code");
            }
        }
    }

    private void onNodeDown(NodeId node) {
        // clients of servers on that node: their server is gone
        for (CarpartyRegistry.Room proxy : List.copyOf(proxies.values())) {
            if (proxy.serverNode.equals(node)) {
                closeProxy(proxy.code, node);
            }
        }
        // that node's clients of local servers: each disconnects
        for (CarpartyRegistry.Room room : registry.all()) {
            RemoteClients remote = room.remoteClients;
            if (remote == null) {
                continue;
            }
            List<RemoteClient> gone = new ArrayList<>();
            for (RemoteClient c : remote.clients) {
                if (c.node().equals(node)) {
                    gone.add(c);
                }
            }
            for (RemoteClient c : gone) {
                removeRemote(room, c.node(), c.connection());
            }
            if (!gone.isEmpty()) {
                LOG.log(Level.INFO, gone.size() + " clients of " + room.code + " on node " + node.shortName() + " disconnected");
            }
        }
    }

    private static String jsonString(byte[] json) {
        Object value = relay.json.Json.parse(json, 0, json.length);
        return (String) value;
    }

}
