package relay.proto.carparty;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import relay.cluster.NodeId;
import relay.cluster.Wtf8;
import relay.net.Connection;
import relay.route.MemberArrays;

/**
 * server_code to its game server and the clients logged in to it: one {@link Room} per live code.
 *
 * <p>Concurrency: a code is taken with {@code putIfAbsent} (one server per code) and freed with
 * {@code remove(code, room)} the moment its server goes. A room's client list is a copy-on-write array
 * replaced whole under the room's lock, so the server's fan-out reads it without locking and without
 * allocating. Joining, leaving and closing a room hold its lock while they send the connect/disconnect
 * notice (an offer to the server's queue, never blocking), so a client never joins a closed room and a
 * closed room's clients are all told.
 */
final class CarpartyRegistry {
    static final CarpartyPeer[] NONE = new CarpartyPeer[0];

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    /** One game: its server and its clients, in login order. */
    static final class Room {
        final String code;
        /** The code's bytes (WTF-8), the key of the room's envelopes (clusters), encoded once per room. */
        final byte[] codeBytes;
        /** The game server's connection, or null if it is on another node (a proxy room: docs/cluster.md). */
        final Connection server;
        /** The node of a remote game server (a proxy room), or null for a server on this node. */
        final NodeId serverNode;
        final ReentrantLock lock = new ReentrantLock();
        volatile CarpartyPeer[] clients = NONE;
        /** Clients on other nodes of this node's server; null until the first one (clusters only). */
        volatile CarpartyCluster.RemoteClients remoteClients;
        /** The server has gone; guarded by the lock. */
        boolean closed;

        Room(String code, Connection server) {
            this.code = code;
            this.codeBytes = Wtf8.encode(code);
            this.server = server;
            this.serverNode = null;
        }

        /** The proxy, on a clients' node, of a server on another node. */
        Room(String code, NodeId serverNode) {
            this.code = code;
            this.codeBytes = Wtf8.encode(code);
            this.server = null;
            this.serverNode = serverNode;
        }

        /** Call holding the lock. */
        void add(CarpartyPeer client) {
            clients = MemberArrays.with(clients, client);
        }

        /** Call holding the lock; returns whether the client was there. */
        boolean remove(CarpartyPeer client) {
            int i = MemberArrays.indexOf(clients, client);
            if (i < 0) {
                return false;
            }
            clients = MemberArrays.without(clients, i);
            return true;
        }
    }

    /** Takes {@code code} for {@code server}; null if another server holds it. */
    Room open(String code, Connection server) {
        Room room = new Room(code, server);
        return rooms.putIfAbsent(code, room) == null ? room : null;
    }

    Room find(String code) {
        return rooms.get(code);
    }

    /** Frees the code at once and returns the clients that were in the room (now closed to joins). */
    CarpartyPeer[] close(Room room) {
        rooms.remove(room.code, room);
        room.lock.lock();
        try {
            room.closed = true;
            CarpartyPeer[] clients = room.clients;
            room.clients = NONE;
            return clients;
        } finally {
            room.lock.unlock();
        }
    }

    /** The live rooms of this node's servers. */
    java.util.Collection<Room> all() {
        return java.util.List.copyOf(rooms.values());
    }

    int rooms() {
        return rooms.size();
    }

    int clients() {
        int n = 0;
        for (Room room : rooms.values()) {
            n += room.clients.length;
        }
        return n;
    }
}
