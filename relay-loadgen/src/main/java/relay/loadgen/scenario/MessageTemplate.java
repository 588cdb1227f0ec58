package relay.loadgen.scenario;

import java.nio.charset.StandardCharsets;

/**
 * A preallocated JSON message with a {@link Stamp} slot, padded with a {@code "p":"xxxx"} member to a
 * requested size: {@code prefix "t":"<16 digits>","p":"xxx" suffix}. Sending patches the stamp in place
 * and hands the same array to the connection, which copies it into its outbound buffer; one template per
 * sender, used only on its loop thread.
 */
public final class MessageTemplate {
    private final byte[] bytes;
    private final int stampPos;

    /**
     * @param prefix JSON up to where the stamped object's members start, e.g. {@code {"type":"relay_message","data":{}
     * @param suffix what closes it, e.g. {@code }}}
     * @param size the total size to pad to (the message is never shorter than its fixed parts)
     */
    public MessageTemplate(String prefix, String suffix, int size) {
        String head = prefix + "\"t\":\"" + "0".repeat(Stamp.DIGITS) + "\",\"p\":\"";
        String tail = "\"" + suffix;
        int pad = Math.max(0, size - head.length() - tail.length());
        String text = head + "x".repeat(pad) + tail;
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
        this.stampPos = Stamp.find(bytes, 0, bytes.length);
    }

    public byte[] bytes() {
        return bytes;
    }

    /** Sets the stamp (ns since the run's base) and returns the bytes to send. */
    public byte[] stamp(long sinceBaseNs) {
        Stamp.write(bytes, stampPos, sinceBaseNs);
        return bytes;
    }

    /** Copies a stamp's digits verbatim from a received message (answers echo the original's stamp). */
    public byte[] copyStamp(byte[] from, int digitsPos) {
        System.arraycopy(from, digitsPos, bytes, stampPos, Stamp.DIGITS);
        return bytes;
    }

    /** Where {@code marker} first occurs (e.g. a receiver id to patch with {@link Stamp#writeDigits}), or -1. */
    public int positionOf(String marker) {
        return Stamp.indexOf(bytes, 0, bytes.length, marker.getBytes(StandardCharsets.UTF_8));
    }
}
