package relay.net;

/**
 * What a protocol does with a connection's messages. Endpoints are shared by all connections of a protocol
 * and keep per-connection state in {@link Connection#attachment()}. All callbacks but {@link #onClose} run
 * on the connection's reader thread, one at a time. For a parked connection's messages that is the
 * {@link IdleParker}'s thread, which serves every parked connection: a callback must not wait on the
 * network, which only a cluster's Redis round trips do, and in a cluster the parker routes nothing.
 * {@code onClose} runs exactly once, after the last message callback, however the connection ends.
 */
public interface Endpoint {
    default void onOpen(Connection connection) {}

    void onText(Connection connection, byte[] bytes, int offset, int length);

    void onBinary(Connection connection, byte[] bytes, int offset, int length);

    /** The connection is gone; {@code code} is the close code received or sent, or 1006 if none was. */
    default void onClose(Connection connection, int code) {}
}
