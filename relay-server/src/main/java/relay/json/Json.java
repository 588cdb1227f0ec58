package relay.json;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonReader;
import com.dslplatform.json.JsonWriter;
import com.dslplatform.json.ObjectConverter;
import com.dslplatform.json.SerializationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * dsl-json entry points shared by the protocols: parsing a frame into plain values (Map, List, String,
 * Number, Boolean, null) and writing such values back. One {@link DslJson} per process (it is thread-safe);
 * readers and writers are made per call because this is the protocols' control path, not the relay path
 * (verbatim relaying never parses).
 *
 * <p>A JSON text may escape a lone UTF-16 surrogate ({@code "\\ud800"}, valid per RFC 8259 and read by
 * Python's {@code json.loads}), and parsing keeps it in the Java String. dsl-json refuses to write such a
 * string (it has no UTF-8 for it and no option to escape it), so {@link #write} falls back to a second
 * instance whose String writer escapes lone surrogates as {@code \\uXXXX}, the bytes Python's
 * {@code json.dumps} sends. Only a write that failed takes the fallback; the usual path is dsl-json's own.
 */
public final class Json {
    public static final DslJson<Object> DSL = new DslJson<>();
    private static final DslJson<Object> ESCAPING = escapingLoneSurrogates();

    private Json() {}

    /** Parses one complete JSON value; throws {@link InvalidJsonException} on malformed input or trailing data. */
    public static Object parse(byte[] bytes, int offset, int length) {
        byte[] input = bytes;
        if (offset != 0) {
            input = new byte[length];
            System.arraycopy(bytes, offset, input, 0, length);
        }
        try {
            JsonReader<Object> reader = DSL.newReader(input, length);
            reader.getNextToken();
            Object value = ObjectConverter.deserializeObject(reader);
            // Only whitespace may follow the value.
            for (int i = reader.getCurrentIndex(); i < length; i++) {
                byte b = input[i];
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    throw new InvalidJsonException("trailing data after JSON value");
                }
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidJsonException invalid) {
                throw invalid;
            }
            throw new InvalidJsonException(e.getMessage());
        }
    }

    public static Object parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, 0, bytes.length);
    }

    /**
     * Serializes plain values (as produced by {@link #parse}, or records and maps of them) to UTF-8 bytes.
     * Lone surrogates in strings (keys included) are written as {@code \\uXXXX} escapes.
     */
    public static byte[] write(Object value) {
        try {
            return write(DSL, value);
        } catch (SerializationException loneSurrogate) {
            return write(ESCAPING, value); // rare: anything else dsl-json refuses, it refuses here too
        }
    }

    private static byte[] write(DslJson<Object> dsl, Object value) {
        JsonWriter writer = dsl.newWriter(128);
        try {
            dsl.serialize(writer, value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + value.getClass(), e);
        }
        return writer.toByteArray();
    }

    /** dsl-json writes map keys itself, not through the String writer, so this instance writes maps too. */
    private static DslJson<Object> escapingLoneSurrogates() {
        DslJson<Object> dsl = new DslJson<>();
        dsl.registerWriter(String.class, (writer, text) -> {
            if (text == null) {
                writer.writeNull();
            } else {
                writeEscapingLoneSurrogates(writer, text);
            }
        });
        dsl.registerWriter(Map.class, (writer, map) -> {
            if (map == null) {
                writer.writeNull();
                return;
            }
            writer.writeByte(JsonWriter.OBJECT_START);
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) map).entrySet()) {
                if (!first) {
                    writer.writeByte(JsonWriter.COMMA);
                }
                first = false;
                writeEscapingLoneSurrogates(writer, String.valueOf(e.getKey()));
                writer.writeByte(JsonWriter.SEMI);
                try {
                    dsl.serialize(writer, e.getValue());
                } catch (IOException impossible) { // a JsonWriter without a stream does not throw it
                    throw new IllegalStateException(impossible);
                }
            }
            writer.writeByte(JsonWriter.OBJECT_END);
        });
        return dsl;
    }

    /** dsl-json's escaping for the runs between lone surrogates, {@code \\uXXXX} for each of those. */
    private static void writeEscapingLoneSurrogates(JsonWriter writer, String text) {
        JsonWriter run = null;
        writer.writeByte(JsonWriter.QUOTE);
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair is one code point, written as UTF-8
                continue;
            }
            if (start < i) {
                run = writeRun(writer, run, text, start, i);
            }
            writer.writeAscii(String.format("\\u%04x", (int) c)); // lower-case hex, as json.dumps
            start = i + 1;
        }
        if (start < text.length()) {
            writeRun(writer, run, text, start, text.length());
        }
        writer.writeByte(JsonWriter.QUOTE);
    }

    /** Writes text[from, to) escaped by dsl-json, without its quotes. */
    private static JsonWriter writeRun(JsonWriter writer, JsonWriter run, String text, int from, int to) {
        JsonWriter scratch = run == null ? DSL.newWriter(to - from + 16) : run;
        scratch.reset();
        scratch.writeString(text.substring(from, to));
        writer.writeRaw(scratch.getByteBuffer(), 1, scratch.size() - 2);
        return scratch;
    }

    public static String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /** Input that is not one well-formed JSON value. */
    public static final class InvalidJsonException extends RuntimeException {
        public InvalidJsonException(String message) {
            super(message, null, false, false);
        }
    }
}
