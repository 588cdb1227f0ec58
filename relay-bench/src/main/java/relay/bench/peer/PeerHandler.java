package relay.bench.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import relay.bench.peer.PeerRegistry.Booth;
import relay.bench.peer.PeerRegistry.Room;

/**
 * One connection of the Netty peer, after the WebSocket handshake: {@code uws-server.js}'s message and
 * close handlers, message for message. The first message picks the family (a JSON object with
 * {@code action}: CarParty, with {@code type}: booth/scanner, anything else: closed with 1008); CarParty
 * then logs in a game server or a client, booth/scanner dispatches on {@code type}. A game server's
 * broadcast is relayed without parsing: the frame that arrived goes to every client of its room as a
 * {@link WebSocketFrame#retainedDuplicate()} of the same pooled buffer. Runs on the channel's event loop;
 * it writes to other channels with {@code writeAndFlush}, which Netty hands to their own loops, where the
 * pipeline's FlushConsolidationHandler batches the flushes.
 */
final class PeerHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final ByteBuf RECEIVER_ID =
            Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("\"receiver_id\"", StandardCharsets.UTF_8));

    private enum Family { CARPARTY, BOOTH, NONE }

    private enum Role { GAME_SERVER, CLIENT, BOOTH, SCANNER, NONE }

    private final PeerRegistry registry;
    private Family family;          // null until the first message
    private Role role = Role.NONE;
    private String code;            // CarParty server_code
    private String clientId;        // String(client_id): the key receiver_id is matched against
    private Object clientIdValue;   // client_id as the client sent it, injected into its messages
    private String boothId;
    private boolean dropped;

    PeerHandler(PeerRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (dropped) {
            return;
        }
        if (role == Role.GAME_SERVER) {
            // hot path: a game server's broadcast is relayed without parsing unless it may carry receiver_id
            Room room = registry.rooms.get(code);
            if (room == null) {
                return;
            }
            if (ByteBufUtil.indexOf(RECEIVER_ID, frame.content()) < 0) {
                broadcast(room, frame);
            } else {
                fromGameServer(room, PeerJson.parse(frame.content()), frame);
            }
            return;
        }
        Object msg = PeerJson.parse(frame.content());
        if (family == null) {
            if (!(msg instanceof Map<?, ?> map)) {
                family = Family.NONE;
                drop(ctx);
                return;
            }
            family = map.containsKey("action") ? Family.CARPARTY : map.containsKey("type") ? Family.BOOTH : Family.NONE;
            if (family == Family.NONE) {
                drop(ctx);
                return;
            }
        }
        if (family == Family.CARPARTY) {
            carparty(ctx, msg);
        } else if (msg == PeerJson.INVALID || !(msg instanceof Map<?, ?> || msg instanceof List<?>)) {
            reply(ctx, object("type", "error", "message", "Invalid JSON"));
        } else {
            booth(ctx, msg instanceof Map<?, ?> map ? map : Map.of());
        }
    }

    // ---- CarParty ----

    private void carparty(ChannelHandlerContext ctx, Object msg) {
        Channel self = ctx.channel();
        if (role == Role.NONE) {
            // family CARPARTY is only chosen for a map, and a failed login closes the connection
            Map<?, ?> login = (Map<?, ?>) msg;
            Object action = login.get("action");
            if ("login_server".equals(action) && login.get("server_code") instanceof String serverCode) {
                if (registry.rooms.putIfAbsent(serverCode, new Room(self)) != null) {
                    drop(ctx);
                    return;
                }
                role = Role.GAME_SERVER;
                code = serverCode;
                return;
            }
            if ("login_client".equals(action) && login.get("server_code") instanceof String serverCode
                    && login.containsKey("client_id")) {
                Room room = registry.rooms.get(serverCode);
                if (room == null) {
                    drop(ctx);
                    return;
                }
                role = Role.CLIENT;
                code = serverCode;
                clientIdValue = login.get("client_id");
                clientId = PeerJson.jsString(clientIdValue);
                room.addClient(clientId, self);
                send(room.server(), object("action", "connect", "client_id", clientIdValue));
                if (registry.rooms.get(serverCode) != room) {
                    // the game server left while we joined, after it closed its clients
                    closeWith(self, 1000, "server left");
                }
                return;
            }
            drop(ctx);
            return;
        }
        Room room = registry.rooms.get(code);
        if (room == null || !(msg instanceof Map<?, ?> map)) {
            drop(ctx);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> input = (Map<Object, Object>) map;
        input.put("client_id", clientIdValue);
        send(room.server(), input);
    }

    /** Targeted when the message is a JSON object with receiver_id, else broadcast to the room as it came. */
    private static void fromGameServer(Room room, Object msg, WebSocketFrame frame) {
        if (msg instanceof Map<?, ?> map && map.containsKey("receiver_id")) {
            var targets = room.clients().get(PeerJson.jsString(map.get("receiver_id")));
            if (targets != null) {
                for (Channel c : targets) {
                    write(c, frame.retainedDuplicate());
                }
            }
            return;
        }
        broadcast(room, frame);
    }

    private static void broadcast(Room room, WebSocketFrame frame) {
        for (Channel c : room.all()) {
            write(c, frame.retainedDuplicate());
        }
    }

    private void carpartyClose(Channel self) {
        Room room = registry.rooms.get(code);
        if (room == null) {
            return;
        }
        if (role == Role.GAME_SERVER && room.server() == self) {
            registry.rooms.remove(code, room);
            for (Channel c : room.all()) {
                closeWith(c, 1000, "server left");
            }
        } else if (role == Role.CLIENT) {
            room.removeClient(clientId, self);
            send(room.server(), object("action", "disconnect", "client_id", clientIdValue));
        }
    }

    // ---- booth / scanner ----

    private void booth(ChannelHandlerContext ctx, Map<?, ?> msg) {
        Channel self = ctx.channel();
        Object type = msg.get("type");
        if ("register_booth".equals(type)) {
            if (!(msg.get("booth_id") instanceof String id) || id.isEmpty()) {
                reply(ctx, object("type", "error", "message", "booth_id required"));
                return;
            }
            role = Role.BOOTH;
            boothId = id;
            registry.booths.compute(id, (key, prev) ->
                    new Booth(self, prev != null ? prev.scanners() : ConcurrentHashMap.newKeySet()));
            reply(ctx, object("type", "registration_success", "booth_id", id, "message", "Booth registered successfully"));
        } else if ("connect_scanner".equals(type)) {
            Booth entry = msg.get("booth_id") instanceof String id ? registry.booths.get(id) : null;
            if (entry == null) {
                Map<String, Object> error = object("type", "error", "message", "Booth not found");
                if (msg.containsKey("booth_id")) {
                    error.put("booth_id", msg.get("booth_id")); // JSON.stringify leaves out an undefined booth_id
                }
                reply(ctx, error);
                return;
            }
            role = Role.SCANNER;
            boothId = (String) msg.get("booth_id");
            entry.scanners().add(self);
            reply(ctx, object("type", "connection_success", "booth_id", boothId, "message", "Connected to booth"));
            send(entry.booth(), object("type", "scanner_connected", "booth_id", boothId, "message", "Scanner connected"));
        } else if ("relay_message".equals(type)) {
            Booth entry = boothId == null ? null : registry.booths.get(boothId);
            if (entry == null) {
                reply(ctx, object("type", "error", "message", "Not connected"));
            } else if (role == Role.SCANNER) {
                send(entry.booth(), withData(object("type", "message_from_scanner"), msg));
            } else if (role == Role.BOOTH && entry.booth() == self) {
                // encoded once, shared by every scanner
                TextWebSocketFrame out = new TextWebSocketFrame(
                        PeerJson.encode(ctx.alloc(), withData(object("type", "message_from_booth"), msg)));
                for (Channel s : entry.scanners()) {
                    write(s, out.retainedDuplicate());
                }
                out.release();
            } else {
                reply(ctx, object("type", "error", "message", "Not connected"));
            }
        } else if ("ping".equals(type)) {
            reply(ctx, object("type", "pong"));
        } else {
            reply(ctx, object("type", "error", "message", "Unknown message type"));
        }
    }

    private void boothClose(Channel self) {
        Booth entry = boothId == null ? null : registry.booths.get(boothId);
        if (entry == null) {
            return;
        }
        if (role == Role.BOOTH && entry.booth() == self) {
            registry.booths.remove(boothId, entry);
            for (Channel s : entry.scanners()) {
                send(s, object("type", "booth_disconnected", "booth_id", boothId));
            }
        } else if (role == Role.SCANNER) {
            entry.scanners().remove(self);
            send(entry.booth(), object("type", "scanner_disconnected", "booth_id", boothId));
        }
    }

    /** {@code {type, data: msg.data}}; like JSON.stringify, no data member when the message had none. */
    private static Map<String, Object> withData(Map<String, Object> out, Map<?, ?> msg) {
        if (msg.containsKey("data")) {
            out.put("data", msg.get("data"));
        }
        return out;
    }

    // ---- connection ----

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (family == Family.CARPARTY) {
            carpartyClose(ctx.channel());
        } else if (family == Family.BOOTH) {
            boothClose(ctx.channel());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // reset by the peer, a protocol error the codec has already answered, ...
    }

    private void drop(ChannelHandlerContext ctx) {
        dropped = true;
        closeWith(ctx.channel(), 1008, "protocol violation");
    }

    private static void closeWith(Channel c, int code, String reason) {
        if (c.isActive()) {
            c.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void reply(ChannelHandlerContext ctx, Map<String, Object> message) {
        send(ctx.channel(), message);
    }

    private static void send(Channel c, Map<?, ?> message) {
        if (c.isActive()) {
            c.writeAndFlush(new TextWebSocketFrame(PeerJson.encode(c.alloc(), message)), c.voidPromise());
        }
    }

    private static void write(Channel c, WebSocketFrame frame) {
        if (c.isActive()) {
            c.writeAndFlush(frame, c.voidPromise());
        } else {
            frame.release();
        }
    }

    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
