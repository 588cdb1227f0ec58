package relay.ws;

/**
 * Turns frames into messages: joins fragments, validates text as UTF-8 while it arrives (failing fast with
 * 1007), checks Close payloads, and hands complete messages to a {@link MessageHandler}.
 *
 * <p>A single-frame message whose payload arrived in one read is handed over straight from the reader's
 * buffer without a copy; otherwise payload collects in a message buffer that grows only as far as the
 * largest message seen (bounded by the reader's size limit) and is dropped again after a large message,
 * so idle connections hold no more than {@link #RETAINED_BUFFER_BYTES}. Owned by one reader thread.
 */
public final class MessageAssembler implements FrameHandler {
    /** A message buffer up to this size is kept for the next message; a larger one is released. */
    static final int RETAINED_BUFFER_BYTES = 4096;
    private static final byte[] EMPTY = new byte[0];

    private final MessageHandler handler;
    private final byte[] control = new byte[125];
    private byte[] message = EMPTY;
    private int messageLength;
    private int messageOpcode;
    private int utf8State;

    private int frameOpcode;
    private boolean frameFin;
    private long framePayloadLength;
    private int controlLength;
    private boolean direct;

    public MessageAssembler(MessageHandler handler) {
        this.handler = handler;
    }

    @Override
    public void onFrameStart(boolean fin, int opcode, long payloadLength) {
        frameFin = fin;
        frameOpcode = opcode;
        framePayloadLength = payloadLength;
        direct = false;
        if (Opcode.isControl(opcode)) {
            controlLength = 0;
            return;
        }
        if (opcode != Opcode.CONTINUATION) {
            messageOpcode = opcode;
            messageLength = 0;
            utf8State = Utf8Validator.ACCEPT;
        }
    }

    @Override
    public void onPayload(byte[] bytes, int offset, int length) {
        if (Opcode.isControl(frameOpcode)) {
            System.arraycopy(bytes, offset, control, controlLength, length);
            controlLength += length;
            return;
        }
        if (messageOpcode == Opcode.TEXT) {
            utf8State = Utf8Validator.update(utf8State, bytes, offset, length);
            // 8.1: when an endpoint is to interpret a byte stream as UTF-8 but finds it is not valid, it MUST fail
            if (utf8State == Utf8Validator.REJECT) {
                throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in text message");
            }
        }
        if (frameFin && frameOpcode != Opcode.CONTINUATION && length == framePayloadLength) {
            // Whole single-frame message in the caller's buffer: deliver without copying.
            direct = true;
            deliver(bytes, offset, length);
            return;
        }
        ensureCapacity(messageLength + length);
        System.arraycopy(bytes, offset, message, messageLength, length);
        messageLength += length;
    }

    @Override
    public void onFrameEnd() {
        switch (frameOpcode) {
            case Opcode.PING -> handler.onPing(control, 0, controlLength);
            case Opcode.PONG -> handler.onPong(control, 0, controlLength);
            case Opcode.CLOSE -> deliverClose();
            default -> {
                if (frameFin && !direct) {
                    deliver(message, 0, messageLength);
                    if (message.length > RETAINED_BUFFER_BYTES) {
                        message = EMPTY;
                    }
                }
            }
        }
    }

    private void deliver(byte[] bytes, int offset, int length) {
        if (messageOpcode == Opcode.TEXT) {
            // 8.1: a text message must end on a character boundary
            if (utf8State != Utf8Validator.ACCEPT) {
                throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "truncated UTF-8 sequence in text message");
            }
            handler.onText(bytes, offset, length);
        } else {
            handler.onBinary(bytes, offset, length);
        }
    }

    private void deliverClose() {
        if (controlLength == 0) {
            handler.onClose(CloseCode.NO_STATUS, control, 0, 0);
            return;
        }
        // 5.5.1: if there is a body, the first two bytes MUST be a 2-byte unsigned integer status code
        if (controlLength == 1) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "close payload of one byte");
        }
        int code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
        // 7.4: only defined or registered codes may appear in a Close frame
        if (!CloseCode.isValidOnWire(code)) {
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "invalid close code " + code);
        }
        // 5.5.1: the close reason is UTF-8 encoded
        if (!Utf8Validator.isValid(control, 2, controlLength - 2)) {
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in close reason");
        }
        handler.onClose(code, control, 2, controlLength - 2);
    }

    private void ensureCapacity(int needed) {
        if (needed > message.length) {
            int size = Math.max(needed, Math.max(256, message.length * 2));
            byte[] grown = new byte[size];
            System.arraycopy(message, 0, grown, 0, messageLength);
            message = grown;
        }
    }
}
