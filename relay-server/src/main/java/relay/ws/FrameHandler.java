package relay.ws;

/**
 * Receives the frames a {@link FrameReader} decodes, already validated and unmasked. A frame arrives as one
 * {@link #onFrameStart}, zero or more {@link #onPayload} chunks (views into the reader's input buffer, valid
 * only during the call) and one {@link #onFrameEnd}.
 */
public interface FrameHandler {
    void onFrameStart(boolean fin, int opcode, long payloadLength);

    void onPayload(byte[] bytes, int offset, int length);

    void onFrameEnd();
}
