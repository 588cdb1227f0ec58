package relay.cluster;

/**
 * What an envelope carries; its code is the envelope's kind byte. Codes below 16 are the cluster's own
 * control traffic; each protocol has a block of sixteen. Codes are wire format: never renumber one.
 */
public enum MessageKind {
    /** Control channel, every heartbeat period: "origin is alive". */
    HEARTBEAT(1),
    /** Control channel, on graceful shutdown: "origin is gone, end its sessions now". */
    NODE_LEAVING(2),
    /** Control channel: key {@code kind:id} changed owner; payload {@code NODE:TOKEN}, or {@code -:TOKEN} when released. */
    OWNER_CHANGED(3),

    /** Topic {@code broadcast:ROOM}: payload is one encoded WebSocket frame, delivered verbatim. */
    BROADCAST_FRAME(16),

    /** Node channel of the server's node: a client logged in there (key code, sub client_id JSON, connection = client). */
    CARPARTY_CONNECT(32),
    /** Node channel of the server's node: a client's message, payload the encoded frame for the server. */
    CARPARTY_FROM_CLIENT(33),
    /** Node channel of the server's node: a client left (key code, connection = client). */
    CARPARTY_DISCONNECT(34),
    /** Node channel of a clients' node: a server frame (payload, encoded) for all its clients of code (key). */
    CARPARTY_TO_ALL(35),
    /** Node channel of a clients' node: a server frame for its clients of code whose client_id is sub. */
    CARPARTY_TO_RECEIVER(36),
    /** Node channel of a clients' node: the server of code (key) left; close its clients with 1001. */
    CARPARTY_SERVER_GONE(37),
    /** Node channel of a client's node: its login (connection) found no server after all; close it. */
    CARPARTY_REFUSED(38),

    /** Booth's node: a scanner attaches (key booth_id JSON as the scanner wrote it, connection = scanner, payload[0] 1 = re-attach, no answer). */
    BOOTH_SCANNER_CONNECT(48),
    /** Booth's node: a scanner's message, payload the frame for the booth. */
    BOOTH_FROM_SCANNER(49),
    /** Booth's node: a scanner detached (payload[0] 1 = tell the booth scanner_disconnected). */
    BOOTH_SCANNER_DISCONNECT(50),
    /** Scanner's node: a frame for the scanner (connection). */
    BOOTH_TO_SCANNER(51),
    /** Control channel: the booth of key left its node; its scanners get booth_disconnected and wait. */
    BOOTH_GONE(52),
    /** Control channel: a booth registered key on the origin node; waiting scanners attach to it. */
    BOOTH_BACK(53),
    /** Scanner's node: the attach of scanner (connection) succeeded; it gets connection_success. */
    BOOTH_ATTACHED(54),
    /** Scanner's node: no booth for the attach of scanner (connection); it gets the not-available error. */
    BOOTH_UNAVAILABLE(55),
    /**
     * Node channel: "I hear you (so my subscription is up) and have scanners waiting: send me BOOTH_BACK for
     * your booths, then BOOTH_SYNCED". Sent when a node is heard again after it was given up.
     */
    BOOTH_SYNC(56),
    /** Node channel: the end of the answer to BOOTH_SYNC. */
    BOOTH_SYNCED(57),

    /** Topic {@code signaling:ROOM}: a peer joined/left, or a message for a target (sub). */
    SIGNALING_JOINED(64),
    SIGNALING_LEFT(65),
    SIGNALING_TO_TARGET(66),
    /**
     * Node channel: "I hear you (so my subscription is up): send me your members of these rooms" (payload:
     * {@code {"rooms":[room_id, ...]}}). Sent when a node is heard again after it was given up, and to an id's new owner.
     */
    SIGNALING_SYNC(67),
    /** Node channel: the answer to SIGNALING_SYNC (payload:
     * {@code {"members":[{"room_id":R,"client_id":I,"client_type":T}, ...]}}). */
    SIGNALING_MEMBERS(68),

    /** Control channel: a studio table's status changed (key table id); drop cached copies. */
    STUDIO_TABLE_CHANGED(80);

    private static final MessageKind[] BY_CODE = new MessageKind[256];

    static {
        for (MessageKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    public final int code;

    MessageKind(int code) {
        this.code = code;
    }

    /** The kind with this code, or null for a code this version does not know. */
    public static MessageKind of(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
