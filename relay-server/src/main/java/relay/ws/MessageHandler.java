package relay.ws;

/**
 * Receives complete, validated messages from a {@link MessageAssembler}. Byte ranges are views valid only
 * during the call; copy what must outlive it.
 */
public interface MessageHandler {
    void onText(byte[] bytes, int offset, int length);

    void onBinary(byte[] bytes, int offset, int length);

    void onPing(byte[] bytes, int offset, int length);

    void onPong(byte[] bytes, int offset, int length);

    /**
     * A valid Close frame arrived. {@code code} is {@link CloseCode#NO_STATUS} when the frame had no payload;
     * the reason is valid UTF-8.
     */
    void onClose(int code, byte[] reason, int offset, int length);
}
