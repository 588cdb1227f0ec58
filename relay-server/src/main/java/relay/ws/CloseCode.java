package relay.ws;

/** Close status codes (RFC 6455 section 7.4) and the rule for which of them may appear on the wire. */
public final class CloseCode {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** 7.4.1: reserved, never sent; reported when a Close frame carried no code. */
    public static final int NO_STATUS = 1005;
    /** 7.4.1: reserved, never sent; reported when the TCP connection ended without a Close frame. */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;
    public static final int TRY_AGAIN_LATER = 1013;
    /** Application range: a newer connection took over this connection's identity (protocols.md). */
    public static final int REPLACED = 4000;

    private CloseCode() {}

    /**
     * 7.4.1/7.4.2: codes below 1000, 1004-1006, 1015 and unassigned 1016-2999 MUST NOT appear in a Close frame;
     * 3000-4999 are for libraries and applications.
     */
    public static boolean isValidOnWire(int code) {
        if (code >= 3000 && code <= 4999) {
            return true;
        }
        return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
    }
}
