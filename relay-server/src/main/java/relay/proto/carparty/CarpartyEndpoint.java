package relay.proto.carparty;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.config.SharedSecret;
import relay.json.Json;
import relay.json.JsonObjectCursor;
import relay.json.JsonSyntax;
import relay.metrics.Metrics;
import relay.net.Connection;
import relay.net.Endpoint;
import relay.ws.CloseCode;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * The CarParty relay of seed 003, as protocols.md "carparty" gives it. The first frame logs a connection in
 * as the game server of a code or as one of its clients. Afterwards the server's frames go verbatim to its
 * clients (all of them, or those named by {@code receiver_id}), encoded once and shared by every recipient;
 * a client's JSON objects go to the server with {@code client_id} spliced in, the rest of the bytes copied
 * as they came.
 *
 * <p>Ordering: a client's {@code connect}, its messages and its {@code disconnect} are all offered to the
 * server's queue from the client's own reader thread (login, frames, then {@code onClose}, which the
 * connection runs last), and the queue keeps each producer's order.
 */
public final class CarpartyEndpoint implements Endpoint {
    private static final Logger LOG = Logger.getLogger("relay.CarParty");
    static final String SERVER_GONE = "game server disconnected";
    /** Close reason for a {@code login_server} without the {@code --carparty-secret}. */
    static final String INVALID_SECRET = "Invalid secret";
    private static final byte[] CLIENT_ID = "client_id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_ID_MEMBER = "\"client_id\":".getBytes(StandardCharsets.US_ASCII);

    private final CarpartyRegistry registry = new CarpartyRegistry();
    private final Metrics metrics;
    /** Servers and clients on other nodes (docs/cluster.md); null on a single node. */
    private final CarpartyCluster cluster;
    private final SharedSecret serverSecret;

    public CarpartyEndpoint(Metrics metrics) {
        this(metrics, null);
    }

    /** A CarParty endpoint whose codes are unique across {@code cluster}, clients on any node (null: this node only). */
    public CarpartyEndpoint(Metrics metrics, relay.cluster.Cluster cluster) {
        this(metrics, cluster, null);
    }

    /**
     * @param serverSecret what a {@code login_server} must carry in its {@code secret} field
     *     ({@code --carparty-secret}); null: no check, as the original
     */
    public CarpartyEndpoint(Metrics metrics, relay.cluster.Cluster cluster, SharedSecret serverSecret) {
        this.metrics = metrics;
        this.cluster = cluster == null ? null : new CarpartyCluster(cluster, registry);
        this.serverSecret = serverSecret;
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        if (!(connection.attachment() instanceof CarpartyPeer peer)) {
            login(connection, bytes, offset, length);
        } else if (peer.isServer()) {
            fromServer(peer, bytes, offset, length);
        } else {
            fromClient(peer, bytes, offset, length);
        }
    }

    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        if (!(connection.attachment() instanceof CarpartyPeer peer)) {
            refuseLogin(connection, "login must be a JSON text message");
        } else if (peer.isServer()) {
            // Deviation: the original ignored binary frames; relay broadcasts them verbatim.
            byte[] frame = FrameWriter.encode(Opcode.BINARY, bytes, offset, length);
            broadcast(peer.room, frame);
            if (cluster != null) {
                cluster.fromServer(peer.room, frame, null, true);
            }
        } else {
            refuseClient(peer, CloseCode.UNSUPPORTED_DATA, "binary messages are not supported");
        }
    }

    private void login(Connection connection, byte[] bytes, int offset, int length) {
        Object message;
        try {
            message = Json.parse(bytes, offset, length);
        } catch (Json.InvalidJsonException e) {
            refuseLogin(connection, "login is not valid JSON");
            return;
        }
        if (!(message instanceof Map<?, ?> login)) {
            refuseLogin(connection, "login must be a JSON object");
            return;
        }
        Object action = login.get("action");
        if (!"login_server".equals(action) && !"login_client".equals(action)) {
            refuseLogin(connection, "first message must be login_server or login_client");
            return;
        }
        if (!(login.get("server_code") instanceof String code)) {
            refuseLogin(connection, "server_code must be a string");
            return;
        }
        if (action.equals("login_server")) {
            if (serverSecret != null && !serverSecret.matches(login.get("secret"))) {
                refuseLogin(connection, INVALID_SECRET);
                return;
            }
            CarpartyRegistry.Room room = registry.open(code, connection);
            if (room == null) {
                refuseLogin(connection, "server_code in use");
                return;
            }
            if (cluster != null && !cluster.claim(code)) {
                registry.close(room); // a server on another node holds it
                refuseLogin(connection, "server_code in use");
                return;
            }
            connection.attach(new CarpartyPeer(connection, room, null, null));
            LOG.log(Level.FINE, () -> "Game server " + connection + " logged in with code " + code);
            return;
        }
        if (!(login.get("client_id") instanceof String clientId)) {
            refuseLogin(connection, "client_id must be a string");
            return;
        }
        CarpartyRegistry.Room room = registry.find(code);
        if (room == null && cluster != null && cluster.joinRemote(connection, code, clientId, Json.write(clientId))) {
            LOG.log(Level.FINE, () -> "Client " + clientId + " " + connection + " joined " + code + " on another node");
            return;
        }
        if (room == null || !join(connection, room, clientId)) {
            refuseLogin(connection, "unknown server_code");
        }
    }

    /** Adds the client and tells the server, both under the room's lock; false if the room has closed. */
    private boolean join(Connection connection, CarpartyRegistry.Room room, String clientId) {
        byte[] idJson = Json.write(clientId);
        CarpartyPeer client = new CarpartyPeer(connection, room, clientId, idJson);
        room.lock.lock();
        try {
            if (room.closed) {
                return false;
            }
            connection.attach(client);
            room.add(client);
            room.server.send(notice("connect", idJson));
        } finally {
            room.lock.unlock();
        }
        LOG.log(Level.FINE, () -> "Client " + clientId + " " + connection + " joined " + room.code);
        return true;
    }

    /** A server frame: to the clients named by a top-level {@code receiver_id} string, else to all. */
    private void fromServer(CarpartyPeer server, byte[] bytes, int offset, int length) {
        CarpartyRegistry.Room room = server.room;
        CarpartyPeer[] clients = room.clients;
        if (clients.length == 0 && room.remoteClients == null) {
            return; // dropped silently, as the original
        }
        byte[] frame = FrameWriter.encode(Opcode.TEXT, bytes, offset, length);
        ReceiverIdReader receiver = server.receiver;
        if (!receiver.read(bytes, offset, length)) {
            broadcast(clients, frame);
            if (cluster != null) {
                cluster.fromServer(room, frame, null, true);
            }
            return;
        }
        for (CarpartyPeer client : clients) {
            if (receiver.names(client.clientId, client.clientIdJson)) {
                client.connection.send(frame);
            }
        }
        if (cluster != null && room.remoteClients != null) {
            cluster.fromServer(room, frame, receiver.text(), false);
        }
    }

    private static void broadcast(CarpartyRegistry.Room room, byte[] frame) {
        broadcast(room.clients, frame);
    }

    private static void broadcast(CarpartyPeer[] clients, byte[] frame) {
        for (CarpartyPeer client : clients) {
            client.connection.send(frame);
        }
    }

    /** A client's frame: a JSON object, to the server with client_id set to the client's id. */
    private void fromClient(CarpartyPeer client, byte[] bytes, int offset, int length) {
        // Checked without building the object: an input is relayed as bytes, with only client_id spliced in.
        byte[] frame = withClientId(client.cursor, bytes, offset, length, client.clientIdJson);
        if (frame == null) {
            boolean json = JsonSyntax.isValue(bytes, offset, length);
            refuseClient(client, CloseCode.INVALID_PAYLOAD, json ? "message must be a JSON object" : "message must be JSON");
            return;
        }
        if (client.room.serverNode == null) {
            client.room.server.send(frame);
        } else {
            cluster.toServer(client, frame); // a server on another node
        }
    }

    /**
     * Encodes the object with every top-level {@code client_id} value replaced by {@code idJson}, or, if it
     * has none, with {@code "client_id":idJson} inserted first; all other bytes are copied as they came. Null
     * if the bytes are not exactly one JSON object ({@link JsonSyntax#isObject}'s verdict). One checked walk
     * over the members both validates and measures, so that the frame is allocated once, at its final size,
     * and only for valid input; it keeps where the first {@code client_id} is, so only an object naming it
     * twice or more is walked again to write.
     */
    static byte[] withClientId(JsonObjectCursor cursor, byte[] bytes, int offset, int length, byte[] idJson) {
        cursor.reset(bytes, offset, length);
        int replaced = 0;
        int removedBytes = 0;
        int firstStart = 0;
        int firstEnd = 0;
        boolean hasMembers = false;
        while (cursor.nextChecked()) {
            hasMembers = true;
            if (cursor.keyIs(CLIENT_ID)) {
                if (replaced++ == 0) {
                    firstStart = cursor.valueStart();
                    firstEnd = cursor.valueEnd();
                }
                removedBytes += cursor.valueEnd() - cursor.valueStart();
            }
        }
        if (!cursor.isValid()) {
            return null;
        }
        int payload = replaced > 0 ? length - removedBytes + replaced * idJson.length
                : length + CLIENT_ID_MEMBER.length + idJson.length + (hasMembers ? 1 : 0);
        int header = FrameWriter.headerLength(payload, false);
        byte[] frame = new byte[header + payload];
        FrameWriter.writeHeader(frame, 0, true, Opcode.TEXT, payload, false, 0);
        int out = header;
        int end = offset + length;
        if (replaced == 0) {
            int brace = offset;
            while (bytes[brace] != '{') {
                brace++;
            }
            int afterBrace = brace + 1;
            out = copy(bytes, offset, afterBrace - offset, frame, out);
            out = copy(CLIENT_ID_MEMBER, 0, CLIENT_ID_MEMBER.length, frame, out);
            out = copy(idJson, 0, idJson.length, frame, out);
            if (hasMembers) {
                frame[out++] = ',';
            }
            copy(bytes, afterBrace, end - afterBrace, frame, out);
            return frame;
        }
        if (replaced == 1) {
            out = copy(bytes, offset, firstStart - offset, frame, out);
            out = copy(idJson, 0, idJson.length, frame, out);
            copy(bytes, firstEnd, end - firstEnd, frame, out);
            return frame;
        }
        int from = offset;
        cursor.reset(bytes, offset, length);
        while (cursor.next()) {
            if (cursor.keyIs(CLIENT_ID)) {
                out = copy(bytes, from, cursor.valueStart() - from, frame, out);
                out = copy(idJson, 0, idJson.length, frame, out);
                from = cursor.valueEnd();
            }
        }
        copy(bytes, from, end - from, frame, out);
        return frame;
    }

    private static int copy(byte[] src, int from, int count, byte[] dst, int at) {
        System.arraycopy(src, from, dst, at, count);
        return at + count;
    }

    static byte[] notice(String action, byte[] idJson) {
        byte[] head = ("{\"action\":\"" + action + "\",\"client_id\":").getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[head.length + idJson.length + 1];
        System.arraycopy(head, 0, payload, 0, head.length);
        System.arraycopy(idJson, 0, payload, head.length, idJson.length);
        payload[payload.length - 1] = '}';
        return FrameWriter.encode(Opcode.TEXT, payload);
    }

    @Override
    public void onClose(Connection connection, int code) {
        if (!(connection.attachment() instanceof CarpartyPeer peer)) {
            return;
        }
        CarpartyRegistry.Room room = peer.room;
        if (peer.isServer()) {
            CarpartyPeer[] clients = registry.close(room);
            LOG.log(Level.FINE, () -> "Game server " + connection + " left " + room.code + "; closing "
                    + clients.length + " clients");
            for (CarpartyPeer client : clients) {
                client.connection.close(CloseCode.GOING_AWAY, SERVER_GONE);
            }
            if (cluster != null) {
                cluster.serverGone(room);
            }
            return;
        }
        if (room.serverNode != null) {
            cluster.clientLeft(peer);
            return;
        }
        room.lock.lock();
        try {
            if (room.remove(peer)) {
                room.server.send(notice("disconnect", peer.clientIdJson));
            }
        } finally {
            room.lock.unlock();
        }
        LOG.log(Level.FINE, () -> "Client " + peer.clientId + " " + connection + " left " + room.code);
    }

    private void refuseLogin(Connection connection, String reason) {
        metrics.countProtocolError("carparty", "login_refused");
        LOG.log(Level.FINE, () -> "Refusing CarParty login from " + connection + ": " + reason);
        connection.close(CloseCode.POLICY_VIOLATION, reason);
    }

    private void refuseClient(CarpartyPeer client, int code, String reason) {
        metrics.countProtocolError("carparty", code == CloseCode.UNSUPPORTED_DATA ? "client_binary" : "client_not_json_object");
        LOG.log(Level.FINE, () -> "Closing " + client + " with " + code + ": " + reason);
        client.connection.close(code, reason);
    }

    /** Codes with a live game server; 0 once every server has gone. */
    public int rooms() {
        return registry.rooms();
    }

    /** Clients logged in to a live room. */
    public int clients() {
        return registry.clients();
    }
}
