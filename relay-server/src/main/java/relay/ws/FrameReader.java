package relay.ws;

/**
 * Incremental RFC 6455 frame decoder. Feed it whatever bytes have arrived with {@link #read}; it consumes
 * complete headers and any payload bytes present, unmasks payload in place and reports frames to a
 * {@link FrameHandler}. It returns how many bytes it consumed; an incomplete header is left in the buffer
 * ("need more bytes") for the caller to keep and extend. Owned by one reader thread; allocation-free.
 *
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               | Masking-key, if MASK set to 1 |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * </pre>
 */
public final class FrameReader {
    /** The longest header: 2 + 8 (64-bit length) + 4 (mask key). */
    public static final int MAX_HEADER_BYTES = 14;

    private enum State { HEADER, PAYLOAD }

    private final FrameHandler handler;
    private final FrameValidator validator;
    private State state = State.HEADER;
    private boolean masked;
    private int maskKey;
    private int maskIndex;
    private long payloadRemaining;

    /**
     * @param expectMasked true on a server (client frames must be masked), false on a client
     * @param maxMessageBytes the largest data message accepted; larger ones fail with 1009 before buffering
     */
    public FrameReader(FrameHandler handler, boolean expectMasked, long maxMessageBytes) {
        this(handler, expectMasked, maxMessageBytes, Integer.MAX_VALUE);
    }

    /** @param maxFragments the most frames one message may arrive in; more fail with 1009 */
    public FrameReader(FrameHandler handler, boolean expectMasked, long maxMessageBytes, int maxFragments) {
        this.handler = handler;
        this.validator = new FrameValidator(expectMasked, maxMessageBytes, maxFragments);
    }

    /** Decodes from {@code bytes[offset..offset+length)}; returns the number of bytes consumed. */
    public int read(byte[] bytes, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (state == State.HEADER) {
                int consumed = readHeader(bytes, pos, end - pos);
                if (consumed == 0) {
                    break;
                }
                pos += consumed;
            } else {
                int n = (int) Math.min(payloadRemaining, end - pos);
                if (masked) {
                    maskIndex = Masking.apply(bytes, pos, n, maskKey, maskIndex);
                }
                handler.onPayload(bytes, pos, n);
                pos += n;
                payloadRemaining -= n;
                if (payloadRemaining == 0) {
                    state = State.HEADER;
                    handler.onFrameEnd();
                }
            }
        }
        return pos - offset;
    }

    private int readHeader(byte[] bytes, int pos, int available) {
        if (available < 2) {
            return 0;
        }
        int b0 = bytes[pos] & 0xFF;
        int b1 = bytes[pos + 1] & 0xFF;
        boolean isMasked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int lengthBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        int headerBytes = 2 + lengthBytes + (isMasked ? 4 : 0);
        if (available < headerBytes) {
            return 0;
        }
        long payloadLength = switch (lengthBytes) {
            case 0 -> len7;
            case 2 -> ((bytes[pos + 2] & 0xFF) << 8) | (bytes[pos + 3] & 0xFF);
            default -> readLong(bytes, pos + 2);
        };
        validator.check(b0, isMasked, payloadLength);
        masked = isMasked;
        if (isMasked) {
            int k = pos + 2 + lengthBytes;
            maskKey = ((bytes[k] & 0xFF) << 24) | ((bytes[k + 1] & 0xFF) << 16) | ((bytes[k + 2] & 0xFF) << 8) | (bytes[k + 3] & 0xFF);
            maskIndex = 0;
        }
        handler.onFrameStart((b0 & 0x80) != 0, b0 & 0x0F, payloadLength);
        if (payloadLength == 0) {
            handler.onFrameEnd();
        } else {
            payloadRemaining = payloadLength;
            state = State.PAYLOAD;
        }
        return headerBytes;
    }

    private static long readLong(byte[] bytes, int pos) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[pos + i] & 0xFF);
        }
        return value;
    }
}
