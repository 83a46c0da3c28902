package io.auditbridge.core.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * Keeps the bytes read from a stream since the last {@link #release}, so a value a parser reading through it has
 * just passed can be sliced out as its exact source bytes (absolute offsets, as Jackson's byte locations give them).
 */
public class RecordingInputStream extends InputStream {
    private final InputStream in;
    private byte[] buf = new byte[16 * 1024];
    private long base;      // absolute offset of buf[0]
    private int length;     // bytes held
    private long keepFrom;  // bytes before this may be dropped

    public RecordingInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            append(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            append(b, off, n);
        }
        return n;
    }

    private void append(byte[] b, int off, int n) {
        if (length + n > buf.length) {
            int drop = (int) Math.max(0, Math.min(keepFrom - base, length));
            if (drop > 0) {
                System.arraycopy(buf, drop, buf, 0, length - drop);
                length -= drop;
                base += drop;
            }
            if (length + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
            }
        }
        System.arraycopy(b, off, buf, length, n);
        length += n;
    }

    /** The bytes at absolute offsets [start, end), or null when no longer held. */
    public byte[] slice(long start, long end) {
        if (start < base || end > base + length) {
            return null;
        }
        return java.util.Arrays.copyOfRange(buf, (int) (start - base), (int) (end - base));
    }

    /** Up to {@code max} bytes from {@code start} that are held (maybe fewer, maybe none). */
    public byte[] peek(long start, int max) {
        if (start < base || start >= base + length) {
            return new byte[0];
        }
        int from = (int) (start - base);
        return java.util.Arrays.copyOfRange(buf, from, Math.min(length, from + max));
    }

    /** Bytes before {@code offset} will not be asked for again. */
    public void release(long offset) {
        keepFrom = Math.max(keepFrom, offset);
    }

    /** The caller owns the stream (it may be stdin): reading it to the end does not close it. */
    @Override
    public void close() {}
}
