package relay.proto.booth;

import com.dslplatform.json.JsonWriter;
import relay.json.Timestamps;
import relay.json.Json;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * The frames the booth relay sends, with the keys in the original's order and a Python-style timestamp.
 * Values the clients sent ({@code booth_id}, {@code data}) are copied in as the raw JSON they wrote; only
 * the error texts are serialised here. Each method returns one encoded frame.
 */
final class BoothMessages {
    static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private BoothMessages() {}

    /** {@code {"type":T,"booth_id":B,"timestamp":...}}: the registration and (dis)connection notices. */
    static byte[] withBoothId(String type, BoothId boothId) {
        JsonWriter out = start(type);
        out.writeAscii(",\"booth_id\":");
        out.writeRaw(boothId.json(), 0, boothId.json().length);
        return finish(out);
    }

    static byte[] fromScanner(byte[] data, int offset, int length) {
        JsonWriter out = start("message_from_scanner");
        out.writeAscii(",\"data\":");
        out.writeRaw(data, offset, length);
        out.writeAscii(",\"original_type\":\"relay_message\"");
        return finish(out);
    }

    static byte[] fromBooth(byte[] data, int offset, int length, BoothId boothId) {
        JsonWriter out = start("message_from_booth");
        out.writeAscii(",\"data\":");
        out.writeRaw(data, offset, length);
        out.writeAscii(",\"original_type\":\"relay_message\",\"booth_id\":");
        out.writeRaw(boothId.json(), 0, boothId.json().length);
        return finish(out);
    }

    static byte[] pong() {
        return finish(start("pong"));
    }

    static byte[] error(String message) {
        JsonWriter out = start("error");
        out.writeAscii(",\"message\":");
        out.writeString(message);
        return finish(out);
    }

    private static JsonWriter start(String type) {
        JsonWriter out = Json.DSL.newWriter(256);
        out.writeAscii("{\"type\":\"");
        out.writeAscii(type);
        out.writeByte(JsonWriter.QUOTE);
        return out;
    }

    private static byte[] finish(JsonWriter out) {
        out.writeAscii(",\"timestamp\":\"");
        out.writeAscii(Timestamps.now());
        out.writeAscii("\"}");
        return FrameWriter.encode(Opcode.TEXT, out.getByteBuffer(), 0, out.size());
    }
}
