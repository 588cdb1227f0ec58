package relay.ws;

/**
 * A peer broke RFC 6455 (or a configured limit): the connection must be failed with {@link #closeCode()}.
 * Thrown inside relay.ws, caught once in the connection loop. Carries no stack trace: it is an expected
 * outcome of hostile input, and filling one in would make malformed floods expensive.
 */
public final class ProtocolException extends RuntimeException {
    private final int closeCode;

    public ProtocolException(int closeCode, String reason) {
        super(reason, null, false, false);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
