package relay.ws;

/**
 * The header rules of RFC 6455 section 5 that do not depend on payload bytes: reserved bits and opcodes,
 * control frame limits, masking direction, continuation order and the message size limit. Each check throws
 * a {@link ProtocolException} carrying the close code the connection must fail with. One per connection
 * (it remembers whether a fragmented message is open), owned by the connection's reader thread.
 */
final class FrameValidator {
    private final boolean expectMasked;
    private final long maxMessageBytes;
    private final int maxFragments;
    private boolean inFragmentedMessage;
    private long messageBytes;
    private int fragments;

    FrameValidator(boolean expectMasked, long maxMessageBytes, int maxFragments) {
        this.expectMasked = expectMasked;
        this.maxMessageBytes = maxMessageBytes;
        this.maxFragments = maxFragments;
    }

    void check(int b0, boolean masked, long payloadLength) {
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        // 5.2: RSV1-3 MUST be 0 unless an extension is negotiated that defines meanings for non-zero values
        if ((b0 & 0x70) != 0) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved bits set");
        }
        // 5.2: if an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_
        if (!Opcode.isDefined(opcode)) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        // 5.1: a server MUST close the connection upon receiving a frame that is not masked
        // 5.1: a client MUST close a connection if it detects a masked frame
        if (masked != expectMasked) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, expectMasked ? "client frame not masked" : "server frame masked");
        }
        // 5.2: the most significant bit of a 64-bit payload length MUST be 0
        if (payloadLength < 0) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "payload length out of range");
        }
        if (Opcode.isControl(opcode)) {
            // 5.5: All control frames MUST have a payload length of 125 bytes or less
            if (payloadLength > 125) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "control frame longer than 125 bytes");
            }
            // 5.5: All control frames ... MUST NOT be fragmented
            if (!fin) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "fragmented control frame");
            }
            return;
        }
        if (opcode == Opcode.CONTINUATION) {
            // 5.4: a fragmented message consists of a first frame with a data opcode followed by continuations
            if (!inFragmentedMessage) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "continuation frame without a message");
            }
        } else {
            // 5.4: fragments of one message MUST NOT be interleaved with another message's
            if (inFragmentedMessage) {
                throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "new data frame inside a fragmented message");
            }
            messageBytes = 0;
            fragments = 0;
        }
        // 10.4: an endpoint may limit resources; a message in endless tiny pieces is refused like an oversized one
        if (++fragments > maxFragments) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "message in more than " + maxFragments + " fragments");
        }
        // 10.4: limit message size before buffering any of it
        if (payloadLength > maxMessageBytes - messageBytes) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
        }
        messageBytes += payloadLength;
        inFragmentedMessage = !fin;
    }
}
