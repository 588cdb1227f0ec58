package relay.proto.broadcast;

import relay.cluster.Cluster;
import relay.cluster.ClusterBus;
import relay.cluster.Envelope;
import relay.cluster.MessageKind;
import relay.cluster.Wtf8;
import relay.net.Connection;

/**
 * Broadcast groups across the nodes of a cluster (docs/cluster.md): a group is the Redis topic
 * {@code broadcast:NAME}, joined by every node while it has a local member. A frame a member sends is
 * delivered to the local members first (as on a single node) and published once, as the encoded frame
 * itself; each other node with members hands that same array to each of its members, verbatim. Per-sender
 * order holds because a node publishes, and every node receives, in one ordered stream.
 *
 * <p>Threads: members' reader threads join, leave and publish (never blocking on Redis); the bus's
 * subscriber thread delivers.
 */
final class BroadcastCluster {
    private final ClusterBus bus;
    private final BroadcastGroups groups;

    BroadcastCluster(Cluster cluster, BroadcastGroups groups) {
        this.bus = cluster.bus();
        this.groups = groups;
        bus.on(MessageKind.BROADCAST_FRAME, this::onFrame);
    }

    static String topic(String group) {
        return "broadcast:" + group;
    }

    /** What a group's frames cross with, encoded once per group: its held topic and its name as the envelope key. */
    record Names(ClusterBus.Topic topic, byte[] key) {}

    /** A member joined {@code group} (on its reader thread, before its upgrade completes). */
    void joined(BroadcastGroups.Group group) {
        ClusterBus.Topic topic = bus.join(topic(group.name));
        if (group.cluster == null) {
            group.cluster = new Names(topic, Wtf8.encode(group.name)); // racing joiners write equal values
        }
    }

    void left(BroadcastGroups.Group group) {
        bus.leave(topic(group.name));
    }

    /** A member's frame, after the local members: once to the group's topic, names not encoded again. */
    void publish(BroadcastGroups.Group group, byte[] frame) {
        Names names = group.cluster;
        bus.toTopic(names.topic(), MessageKind.BROADCAST_FRAME, 0, names.key(), null, frame);
    }

    private void onFrame(Envelope envelope) {
        BroadcastGroups.Group group = groups.find(envelope.keyString());
        if (group == null) {
            bus.countUndeliverable(); // its last local member left while the frame was on its way
            return;
        }
        byte[] frame = envelope.payload();
        for (Connection member : group.members) {
            member.send(frame);
        }
    }
}
