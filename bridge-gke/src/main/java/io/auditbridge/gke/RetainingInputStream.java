package io.auditbridge.gke;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Keeps the bytes read through it from a marked stream offset on, so a value a streaming parser has read can still
 * be read again from its own bytes (as a tree) when the streaming reader could not take it. Bounded: bytes before
 * the mark are dropped when the buffer fills, so it holds the current value and the parser's read-ahead.
 */
final class RetainingInputStream extends FilterInputStream {
    private byte[] buf = new byte[1 << 16];
    private int length;
    /** Stream offset of {@code buf[0]}. */
    private long base;
    /** Stream offset before which nothing is needed any more. */
    private long keepFrom;

    RetainingInputStream(InputStream in) {
        super(in);
    }

    /** Bytes before stream offset {@code offset} are no longer needed. */
    void keepFrom(long offset) {
        keepFrom = Math.max(keepFrom, offset);
    }

    /** The bytes at stream offsets {@code [from, to)}, which must lie after the mark and have been read. */
    byte[] copy(long from, long to) {
        if (from < base || to > base + length || from > to) {
            throw new IllegalStateException("bytes " + from + ".." + to + " not retained (" + base + ".." + (base + length) + ")");
        }
        return Arrays.copyOfRange(buf, (int) (from - base), (int) (to - base));
    }

    @Override
    public int read() throws IOException {
        int c = in.read();
        if (c >= 0) {
            room(1);
            buf[length++] = (byte) c;
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            room(n);
            System.arraycopy(b, off, buf, length, n);
            length += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] sink = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void room(int n) {
        if (length + n <= buf.length) {
            return;
        }
        int drop = (int) Math.min(Math.max(0, keepFrom - base), length);
        System.arraycopy(buf, drop, buf, 0, length - drop);
        length -= drop;
        base += drop;
        if (length + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
        }
    }
}
