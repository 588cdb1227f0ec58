package relay.bench.peer;

import io.netty.channel.Channel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Netty peer's shared state, the two maps of {@code uws-server.js}: CarParty rooms by server_code and
 * booths by booth_id. Every event loop reads and changes them (the Node peers have one thread), hence the
 * concurrent maps and sets; one registry per {@link NettyPeer}.
 */
final class PeerRegistry {
    final Map<String, Room> rooms = new ConcurrentHashMap<>();
    final Map<String, Booth> booths = new ConcurrentHashMap<>();

    /** A game server and its clients, by client id (several connections may share one) and all together. */
    record Room(Channel server, Map<String, Set<Channel>> clients, Set<Channel> all) {
        Room(Channel server) {
            this(server, new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet());
        }

        void addClient(String id, Channel client) {
            clients.compute(id, (key, set) -> {
                Set<Channel> s = set != null ? set : ConcurrentHashMap.<Channel>newKeySet();
                s.add(client);
                return s;
            });
            all.add(client);
        }

        void removeClient(String id, Channel client) {
            clients.computeIfPresent(id, (key, set) -> {
                set.remove(client);
                return set.isEmpty() ? null : set;
            });
            all.remove(client);
        }
    }

    /** A booth and its scanners; a booth registering again under its id keeps them. */
    record Booth(Channel booth, Set<Channel> scanners) {}
}
