package relay.net;

import java.nio.ByteBuffer;
import org.jctools.queues.MpmcArrayQueue;

/**
 * Direct buffers that connection writers borrow for one batch: queued frames are copied in and leave in one
 * write call. Only writers that are writing hold one, so memory follows active writers, not open connections.
 * A borrowed buffer is returned by the same writer; the pool never blocks and allocates when empty.
 */
public final class WriteBufferPool {
    /** Coalescing batch size; frames larger than this are written from their own array. */
    public static final int DEFAULT_BUFFER_BYTES = 32 * 1024;

    private final MpmcArrayQueue<ByteBuffer> free;
    private final int bufferBytes;

    public WriteBufferPool(int bufferBytes, int maxPooled) {
        this.bufferBytes = bufferBytes;
        this.free = new MpmcArrayQueue<>(maxPooled);
    }

    public ByteBuffer acquire() {
        ByteBuffer buffer = free.relaxedPoll();
        return buffer != null ? buffer : ByteBuffer.allocateDirect(bufferBytes);
    }

    public void release(ByteBuffer buffer) {
        buffer.clear();
        free.relaxedOffer(buffer);
    }
}
