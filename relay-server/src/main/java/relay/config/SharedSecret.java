package relay.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A shared secret that a client must present (CarParty game servers, signaling registrations), compared in
 * constant time so that a wrong guess does not reveal how much of it was right. Its {@code toString} never
 * shows the value, so a logged configuration does not leak it.
 */
public final class SharedSecret {
    private final byte[] value;

    private SharedSecret(byte[] value) {
        this.value = value;
    }

    /** The secret given on the command line, or null (the check is off) for null. */
    public static SharedSecret of(String value) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a shared secret must not be empty");
        }
        return new SharedSecret(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code presented} (a JSON value from a client's message; null when absent) is this secret. */
    public boolean matches(Object presented) {
        if (!(presented instanceof String text)) {
            return false;
        }
        return MessageDigest.isEqual(value, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SharedSecret[***]";
    }
}
