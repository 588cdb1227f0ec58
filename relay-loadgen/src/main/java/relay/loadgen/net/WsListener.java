package relay.loadgen.net;

/**
 * What a scenario hears from its connections; every call runs on the connection's {@link EventLoop} thread.
 * Byte ranges are views into the connection's read buffer, valid only during the call.
 */
public interface WsListener {
    /** The opening handshake completed; the connection may send. */
    default void onOpen(WsConnection connection, long nowNs) {}

    void onText(WsConnection connection, byte[] bytes, int offset, int length, long nowNs);

    default void onBinary(WsConnection connection, byte[] bytes, int offset, int length, long nowNs) {}

    /**
     * The connection ended after it was open: {@code code} is the server's close code, 1006 when the TCP
     * connection ended without a Close frame. {@code initiatedByUs} is true when we sent the Close first.
     */
    default void onClosed(WsConnection connection, int code, String reason, boolean initiatedByUs) {}

    /** The connection never opened; {@code kind} is the error kind ("refused", "http 404", ...). */
    default void onFailed(WsConnection connection, String kind) {}
}
