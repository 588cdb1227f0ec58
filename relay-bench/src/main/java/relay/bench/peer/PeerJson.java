package relay.bench.peer;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonReader;
import com.dslplatform.json.JsonWriter;
import com.dslplatform.json.ObjectConverter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;

/**
 * The Netty peer's JSON, on dsl-json (what relay-server uses too, so neither side gets a faster parser):
 * {@link #parse} is the peers' {@code JSON.parse} (a frame to Map, List, String, Long, Double, Boolean or
 * null), {@link #encode} their {@code JSON.stringify} into a pooled buffer. The reader, writer and copy
 * buffer are per event-loop thread ({@link FastThreadLocal}), so a message allocates only its parsed tree.
 */
final class PeerJson {
    /** What {@link #parse} returns for input that is not one JSON value (the peers' {@code undefined}). */
    static final Object INVALID = new Object();

    private static final DslJson<Object> DSL = new DslJson<>();
    private static final FastThreadLocal<JsonReader<Object>> READER = new FastThreadLocal<>() {
        @Override
        protected JsonReader<Object> initialValue() {
            return DSL.newReader();
        }
    };
    private static final FastThreadLocal<JsonWriter> WRITER = new FastThreadLocal<>() {
        @Override
        protected JsonWriter initialValue() {
            return DSL.newWriter(512);
        }
    };
    private static final FastThreadLocal<byte[]> INPUT = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    private PeerJson() {}

    /** The frame's payload as a JSON value, or {@link #INVALID}; does not move the buffer's indexes. */
    static Object parse(ByteBuf content) {
        int length = content.readableBytes();
        byte[] input = INPUT.get();
        if (input.length < length) {
            input = new byte[Math.max(length, input.length * 2)];
            INPUT.set(input);
        }
        content.getBytes(content.readerIndex(), input, 0, length);
        try {
            JsonReader<Object> reader = READER.get().process(input, length);
            reader.getNextToken();
            Object value = ObjectConverter.deserializeObject(reader);
            // JSON.parse refuses anything but whitespace after the value
            for (int i = reader.getCurrentIndex(); i < length; i++) {
                byte b = input[i];
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return INVALID;
                }
            }
            return value;
        } catch (IOException | RuntimeException e) {
            return INVALID;
        }
    }

    /** {@code value} (maps, lists and scalars) as JSON in a buffer from {@code alloc}. */
    static ByteBuf encode(ByteBufAllocator alloc, Object value) {
        JsonWriter writer = WRITER.get();
        writer.reset();
        try {
            DSL.serialize(writer, value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + value, e);
        }
        return alloc.buffer(writer.size()).writeBytes(writer.getByteBuffer(), 0, writer.size());
    }

    /** JavaScript's {@code String(value)} for the ids the peers key their maps by ({@code 7} and {@code "7"} meet). */
    static String jsString(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Long || value instanceof Boolean || value == null) {
            return String.valueOf(value);
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e18 ? Long.toString((long) d) : Double.toString(d);
        }
        return String.valueOf(value);
    }
}
