package relay.proto.carparty;

import relay.json.JsonObjectCursor;
import relay.net.Connection;

/**
 * One CarParty connection after its login: the game server of a room, or one of its clients. Set once, at
 * login, on the connection's reader thread; immutable afterwards except the cursor and receiver reader,
 * which only that thread uses.
 */
final class CarpartyPeer {
    final Connection connection;
    final CarpartyRegistry.Room room;
    /** The client's id, or null for the server. */
    final String clientId;
    /** {@code clientId} as a JSON string, spliced into each of the client's messages. */
    final byte[] clientIdJson;
    final JsonObjectCursor cursor = new JsonObjectCursor();
    /** A server's reader of {@code receiver_id} (sharing the cursor); null for a client. */
    final ReceiverIdReader receiver;

    CarpartyPeer(Connection connection, CarpartyRegistry.Room room, String clientId, byte[] clientIdJson) {
        this.connection = connection;
        this.room = room;
        this.clientId = clientId;
        this.clientIdJson = clientIdJson;
        this.receiver = clientId == null ? new ReceiverIdReader(cursor) : null;
    }

    boolean isServer() {
        return clientId == null;
    }

    @Override
    public String toString() {
        return (isServer() ? "server " : "client " + clientId + " ") + connection;
    }
}
