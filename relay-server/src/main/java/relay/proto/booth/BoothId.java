package relay.proto.booth;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import relay.json.PythonText;

/**
 * A {@code booth_id} as a client gave it: any non-empty JSON value. Equal by JSON value (so {@code 7} and
 * {@code 7.0} name one booth, as they did in the original's Python dict), echoed back byte for byte as the
 * client wrote it, and printed in error texts as Python printed it.
 *
 * @param key the value with numbers normalised, used for equality only
 * @param json the value's JSON text exactly as received
 * @param text the value as Python's {@code str()} prints it
 */
record BoothId(Object key, byte[] json, String text) {

    static BoothId of(Object value, byte[] json) {
        return new BoothId(canonical(value), json, PythonText.str(value));
    }

    /** Python's truthiness, which the original used: missing, null, "", 0, false, [] and {} are empty. */
    static boolean isEmpty(Object value) {
        return switch (value) {
            case null -> true;
            case String s -> s.isEmpty();
            case Boolean b -> !b;
            case Number n -> new BigDecimal(n.toString()).signum() == 0;
            case Map<?, ?> m -> m.isEmpty();
            case List<?> l -> l.isEmpty();
            default -> false;
        };
    }

    private static Object canonical(Object value) {
        return switch (value) {
            case Number n -> new BigDecimal(n.toString()).stripTrailingZeros();
            case Map<?, ?> m -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                m.forEach((k, v) -> copy.put(k, canonical(v)));
                yield copy;
            }
            case List<?> l -> {
                List<Object> copy = new ArrayList<>(l.size());
                l.forEach(v -> copy.add(canonical(v)));
                yield copy;
            }
            default -> value;
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BoothId id && key.equals(id.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
