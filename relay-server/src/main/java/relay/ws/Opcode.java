package relay.ws;

/** RFC 6455 section 5.2 opcodes, as the int values that travel in the low nibble of a frame's first byte. */
public final class Opcode {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private Opcode() {}

    /** 5.5: control frames are identified by opcodes where the most significant bit of the opcode is 1. */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** 5.2: opcodes 3-7 and 0xB-0xF are reserved. */
    public static boolean isDefined(int opcode) {
        return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
    }

    public static String name(int opcode) {
        return switch (opcode) {
            case CONTINUATION -> "continuation";
            case TEXT -> "text";
            case BINARY -> "binary";
            case CLOSE -> "close";
            case PING -> "ping";
            case PONG -> "pong";
            default -> "reserved(" + opcode + ")";
        };
    }
}
