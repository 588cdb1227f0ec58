package relay.json;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonReader;
import com.dslplatform.json.JsonWriter;
import com.dslplatform.json.ObjectConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * dsl-json entry points shared by the protocols: parsing a frame into plain values (Map, List, String,
 * Number, Boolean, null) and writing such values back. One {@link DslJson} per process (it is thread-safe);
 * readers and writers are made per call because this is the protocols' control path, not the relay path
 * (verbatim relaying never parses).
 */
public final class Json {
    public static final DslJson<Object> DSL = new DslJson<>();

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

    /** Serializes plain values (as produced by {@link #parse}, or records and maps of them) to UTF-8 bytes. */
    public static byte[] write(Object value) {
        JsonWriter writer = DSL.newWriter(128);
        try {
            DSL.serialize(writer, value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + value.getClass(), e);
        }
        return writer.toByteArray();
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
