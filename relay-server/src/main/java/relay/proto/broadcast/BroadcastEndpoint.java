package relay.proto.broadcast;

import java.util.logging.Level;
import java.util.logging.Logger;
import relay.net.Connection;
import relay.net.Endpoint;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * The broadcast relay of seed 002, as protocols.md "broadcast" gives it: every frame a member sends goes,
 * verbatim and with its opcode, to every member of its group, the sender included. The frame is encoded
 * once and the same array is queued to every member; the loop over the member array allocates nothing.
 * A member too slow to take it is closed with 1013 by its own queue and does not hold up the others.
 */
public final class BroadcastEndpoint implements Endpoint {
    private static final Logger LOG = Logger.getLogger("relay.Broadcast");
    /** The group of {@code /ws/relay/} and {@code /ws/holds/} (the original's README and code paths). */
    static final String SHARED_GROUP = "";
    private static final String ROOM_PREFIX = "/ws/relay/";

    private final BroadcastGroups groups = new BroadcastGroups();
    /** Other nodes' members of the same groups (docs/cluster.md); null on a single node. */
    private final BroadcastCluster cluster;

    public BroadcastEndpoint() {
        this(null);
    }

    /** A broadcast endpoint whose groups span the nodes of {@code cluster} (null: this node only). */
    public BroadcastEndpoint(relay.cluster.Cluster cluster) {
        this.cluster = cluster == null ? null : new BroadcastCluster(cluster, groups);
    }

    @Override
    public void onOpen(Connection connection) {
        String name = groupName(connection.request() == null ? "/" : connection.request().path());
        BroadcastGroups.Group group = groups.join(name, connection);
        connection.attach(group);
        if (cluster != null) {
            cluster.joined(group);
        }
        LOG.log(Level.FINE, () -> "Connection " + connection + " joined broadcast group '" + name + "'");
    }

    /** {@code /ws/relay/{room}/} names a room; every other path (and fixed-mode listeners) is the shared group. */
    static String groupName(String path) {
        if (path.startsWith(ROOM_PREFIX) && path.length() > ROOM_PREFIX.length() + 1 && path.endsWith("/")
                && path.indexOf('/', ROOM_PREFIX.length()) == path.length() - 1) {
            return path.substring(ROOM_PREFIX.length(), path.length() - 1);
        }
        return SHARED_GROUP;
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        relay(connection, FrameWriter.encode(Opcode.TEXT, bytes, offset, length));
    }

    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        relay(connection, FrameWriter.encode(Opcode.BINARY, bytes, offset, length));
    }

    private void relay(Connection sender, byte[] frame) {
        BroadcastGroups.Group group = (BroadcastGroups.Group) sender.attachment();
        for (Connection member : group.members) {
            member.send(frame);
        }
        if (cluster != null) {
            cluster.publish(group, frame);
        }
    }

    @Override
    public void onClose(Connection connection, int code) {
        if (connection.attachment() instanceof BroadcastGroups.Group group) {
            groups.leave(group, connection);
            if (cluster != null) {
                cluster.left(group);
            }
        }
    }

    /** Live groups; 0 once every member has gone. */
    public int groups() {
        return groups.groups();
    }

    public int members() {
        return groups.members();
    }
}
