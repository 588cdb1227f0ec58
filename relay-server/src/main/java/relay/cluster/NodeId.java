package relay.cluster;

import java.security.SecureRandom;

/**
 * A relay process's identity in the cluster: 128 random bits drawn at start-up, so that a restarted node is
 * a new node (its predecessor's sessions and leases are never mistaken for its own). Immutable.
 */
public record NodeId(long high, long low) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static NodeId random() {
        return new NodeId(RANDOM.nextLong(), RANDOM.nextLong());
    }

    /** Parses the 32 hex digits of {@link #toString()}. */
    public static NodeId parse(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("node id must be 32 hex digits: " + hex);
        }
        return new NodeId(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
    }

    /** 32 lowercase hex digits: the form used in channel names, lease values and logs. */
    @Override
    public String toString() {
        char[] out = new char[32];
        hex(high, out, 0);
        hex(low, out, 16);
        return new String(out);
    }

    /** The first 8 hex digits, enough to tell nodes apart in a log line. */
    public String shortName() {
        return toString().substring(0, 8);
    }

    private static void hex(long value, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
