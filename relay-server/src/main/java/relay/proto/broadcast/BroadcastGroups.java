package relay.proto.broadcast;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import relay.net.Connection;
import relay.route.MemberArrays;

/**
 * The broadcast groups by name: the shared group of {@code /ws/relay/} and {@code /ws/holds/}, and one per
 * {@code /ws/relay/{room}/}. A group exists while it has members.
 *
 * <p>Concurrency: membership changes under the group's {@link ReentrantLock} replace its member array
 * whole (copy-on-write); a sender reads the array once, without a lock, and offers the one encoded frame to
 * each member. A group emptied by its last leave is retired and removed; a join that finds a retired group
 * looks again (and creates a fresh one).
 */
final class BroadcastGroups {
    static final Connection[] NONE = new Connection[0];

    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();

    /** One group: its members in join order. */
    final class Group {
        final String name;
        final ReentrantLock lock = new ReentrantLock();
        volatile Connection[] members = NONE;
        /** Removed from the map after its last member left; guarded by the lock. */
        boolean retired;
        /** Its topic and encoded name in a cluster, set by its first member's join (null on a single node). */
        volatile BroadcastCluster.Names cluster;

        Group(String name) {
            this.name = name;
        }
    }

    Group join(String name, Connection member) {
        while (true) {
            Group group = groups.computeIfAbsent(name, Group::new);
            group.lock.lock();
            try {
                if (group.retired) {
                    continue;
                }
                group.members = MemberArrays.with(group.members, member);
                return group;
            } finally {
                group.lock.unlock();
            }
        }
    }

    void leave(Group group, Connection member) {
        group.lock.lock();
        try {
            int i = MemberArrays.indexOf(group.members, member);
            if (i >= 0) {
                group.members = MemberArrays.without(group.members, i);
            }
            if (group.members.length == 0 && !group.retired) {
                group.retired = true;
                groups.remove(group.name, group);
            }
        } finally {
            group.lock.unlock();
        }
    }

    /** The live group of this name, or null. */
    Group find(String name) {
        return groups.get(name);
    }

    int groups() {
        return groups.size();
    }

    int members() {
        int n = 0;
        for (Group group : groups.values()) {
            n += group.members.length;
        }
        return n;
    }
}
