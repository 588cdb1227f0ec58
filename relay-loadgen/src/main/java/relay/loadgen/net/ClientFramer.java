package relay.loadgen.net;

import java.util.concurrent.ThreadLocalRandom;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.Masking;
import relay.ws.MessageAssembler;
import relay.ws.MessageHandler;

/**
 * Client-side framing on relay's own {@code relay.ws} codec, shared by every client of the load generator:
 * masked frames out (5.3: a client masks every frame it sends, with a fresh key per frame) through
 * {@link FrameWriter} and {@link Masking}, and unmasked server frames in through {@link FrameReader} and
 * {@link MessageAssembler}. The masking keys come from an xorshift sequence, cheap and allocation-free.
 * One per connection, used by one thread at a time (its loop, or under its write lock).
 */
public final class ClientFramer {
    /** Largest message a client accepts from the server. */
    public static final long MAX_MESSAGE_BYTES = 16L << 20;

    private int maskSeed = ThreadLocalRandom.current().nextInt() | 1;

    /** A reader of server frames (unmasked, 5.1) delivering whole messages to {@code handler}. */
    public static FrameReader reader(MessageHandler handler) {
        return new FrameReader(new MessageAssembler(handler), false, MAX_MESSAGE_BYTES);
    }

    /** The length of the masked frame carrying {@code payloadLength} bytes. */
    public static int frameLength(int payloadLength) {
        return FrameWriter.headerLength(payloadLength, true) + payloadLength;
    }

    /**
     * Writes one final masked frame of {@code payload[offset..offset+length)} at {@code dst[pos..]}, which
     * must have {@link #frameLength} bytes of room; returns that length.
     */
    public int write(byte[] dst, int pos, int opcode, byte[] payload, int offset, int length) {
        int maskKey = nextMaskKey();
        int header = FrameWriter.writeHeader(dst, pos, true, opcode, length, true, maskKey);
        System.arraycopy(payload, offset, dst, pos + header, length);
        Masking.apply(dst, pos + header, length, maskKey, 0);
        return header + length;
    }

    /** One final masked frame in a new array. */
    public byte[] encode(int opcode, byte[] payload, int offset, int length) {
        return FrameWriter.encodeMasked(true, opcode, payload, offset, length, nextMaskKey());
    }

    private int nextMaskKey() {
        int x = maskSeed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        maskSeed = x;
        return x;
    }
}
