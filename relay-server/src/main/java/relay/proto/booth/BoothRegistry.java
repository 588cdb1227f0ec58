package relay.proto.booth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import relay.route.MemberArrays;

/**
 * booth_id to booth connection, and each booth_id's attached scanners, as one slot per booth_id. A slot
 * lives while it has a booth or a scanner (scanners stay attached to an id whose booth is gone, and are
 * re-attached when a booth registers it again) and is removed, under its lock, when both are gone.
 *
 * <p>Concurrency: every change to a slot happens under the slot's {@link ReentrantLock}, and so do the
 * notifications it causes (sending never blocks: it only offers to the peer's queue), so notices about one
 * booth_id reach each peer in the order the changes happened. Relaying reads {@link Slot#booth} and
 * {@link Slot#scanners} without the lock: the scanners are a copy-on-write array replaced whole. A scanner
 * moving between two slots takes both locks in slot-creation order.
 */
final class BoothRegistry {
    private static final BoothPeer[] NONE = new BoothPeer[0];

    private final ConcurrentHashMap<BoothId, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();

    /** One booth_id: its booth (if any) and its scanners, earliest attached first. */
    final class Slot {
        final BoothId id;
        final long order = created.incrementAndGet();
        final ReentrantLock lock = new ReentrantLock();
        volatile BoothPeer booth;
        /** The booth_id as the current booth registered it. */
        volatile BoothId boothId;
        volatile BoothPeer[] scanners = NONE;
        /** Removed from the map; a peer that still finds it must look the id up again. */
        boolean retired;

        Slot(BoothId id) {
            this.id = id;
        }

        void addScanner(BoothPeer scanner) {
            scanners = MemberArrays.with(scanners, scanner);
        }

        void removeScanner(BoothPeer scanner) {
            int i = MemberArrays.indexOf(scanners, scanner);
            if (i >= 0) {
                scanners = MemberArrays.without(scanners, i);
            }
        }

        /** Releases the lock, first removing the slot if nothing holds it any more. */
        void unlock() {
            if (!retired && booth == null && scanners.length == 0) {
                retired = true;
                slots.remove(id, this);
            }
            lock.unlock();
        }
    }

    /** The live slot for {@code id}, locked; created if {@code create}, else null when there is none. */
    Slot lock(BoothId id, boolean create) {
        while (true) {
            Slot slot = create ? slots.computeIfAbsent(id, Slot::new) : slots.get(id);
            if (slot == null) {
                return null;
            }
            slot.lock.lock();
            if (!slot.retired) {
                return slot;
            }
            slot.lock.unlock();
        }
    }

    /**
     * Locks the live slot for {@code id} together with {@code held} (a slot the caller's scanner is attached
     * to, which cannot retire meanwhile), in creation order; returns the slot for {@code id}, or null if none.
     */
    Slot lockWith(BoothId id, Slot held) {
        if (held == null) {
            return lock(id, false);
        }
        while (true) {
            Slot slot = slots.get(id);
            if (slot == null) {
                return null;
            }
            if (slot == held) {
                slot.lock.lock();
                return slot;
            }
            Slot first = slot.order < held.order ? slot : held;
            Slot second = first == slot ? held : slot;
            first.lock.lock();
            second.lock.lock();
            if (!slot.retired) {
                return slot;
            }
            second.lock.unlock();
            first.lock.unlock();
        }
    }

    /** Calls {@code action} for each booth_id that has a booth (a snapshot; no locks held while it runs). */
    void forEachBooth(java.util.function.BiConsumer<BoothId, BoothPeer> action) {
        for (Slot slot : slots.values()) {
            BoothPeer booth = slot.booth;
            if (booth != null) {
                action.accept(slot.id, booth);
            }
        }
    }

    /** Whether some booth_id has scanners waiting for its booth to register again (a snapshot). */
    boolean hasWaitingScanners() {
        for (Slot slot : slots.values()) {
            if (slot.booth == null && slot.scanners.length > 0) {
                return true;
            }
        }
        return false;
    }

    /** booth_ids with a booth or an attached scanner. */
    int size() {
        return slots.size();
    }

    /** Registered booths (a snapshot, for tests and metrics). */
    int booths() {
        int n = 0;
        for (Slot slot : slots.values()) {
            n += slot.booth != null ? 1 : 0;
        }
        return n;
    }

    /** Attached scanners (a snapshot, for tests and metrics). */
    int scanners() {
        int n = 0;
        for (Slot slot : slots.values()) {
            n += slot.scanners.length;
        }
        return n;
    }
}
