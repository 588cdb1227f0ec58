package relay.route;

import java.util.Arrays;

/**
 * Copy-on-write member arrays, the shape every registry uses for its fan-out lists: changed only under the
 * registry's lock by publishing a new array, read without a lock by the relay path, which loops over an
 * array that never changes once published (no iterator, no allocation per message).
 */
public final class MemberArrays {
    private MemberArrays() {}

    /** A new array with {@code member} appended. */
    public static <T> T[] with(T[] members, T member) {
        T[] next = Arrays.copyOf(members, members.length + 1);
        next[members.length] = member;
        return next;
    }

    /** A new array without the element at {@code index}. */
    public static <T> T[] without(T[] members, int index) {
        T[] next = Arrays.copyOf(members, members.length - 1);
        System.arraycopy(members, index + 1, next, index, members.length - index - 1);
        return next;
    }

    /** The index of {@code member} (by identity), or -1. */
    public static int indexOf(Object[] members, Object member) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == member) {
                return i;
            }
        }
        return -1;
    }
}
