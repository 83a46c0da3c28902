package io.auditbridge.core;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads an input one line at a time as bytes (no charset decoding, no String), so NDJSON is split without
 * holding the whole input: only the current line is in memory. A trailing {@code \r} is dropped.
 */
public final class LineReader {
    private final InputStream in;
    /** A buffer grown above this size for one long line is dropped after it, so one huge line does not pin its memory. */
    private static final int MAX_KEPT_BUFFER = 4 << 20;
    private static final int BUFFER = 256 * 1024;
    /** Reads 8 bytes at once: the newline search is the one pass over every input byte the reader itself makes. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Holds {@code [pos, limit)} not yet returned; a line that spans refills is moved to the front, never copied twice. */
    private byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private long lineNumber;

    public LineReader(InputStream in) {
        this.in = in;
    }

    /** The 1-based number of the line last returned. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The next line that is not blank, or null at the end. */
    public byte[] nextNonBlank() throws IOException {
        byte[] line;
        do {
            line = next();
        } while (line != null && isBlank(line));
        return line;
    }

    /** The next line without its terminator, or null at the end of the input. */
    public byte[] next() throws IOException {
        int scanned = pos; // no '\n' in [pos, scanned)
        while (true) {
            int nl = indexOfNewline(buf, scanned, limit);
            if (nl >= 0) {
                byte[] line = copyLine(pos, nl);
                pos = nl + 1;
                lineNumber++;
                return line;
            }
            int clean = limit - pos; // fill() moves these, still without a '\n', to the front
            if (!fill()) {
                if (pos == limit) {
                    return null;
                }
                byte[] line = copyLine(pos, limit);
                pos = limit;
                lineNumber++;
                return line;
            }
            scanned = pos + clean;
        }
    }

    /**
     * Reads more after {@code limit}, first moving the unreturned bytes to the front (growing the buffer when they
     * fill it); false at the end of the input.
     */
    private boolean fill() throws IOException {
        int pending = limit - pos;
        if (pos > 0) {
            byte[] target = buf.length > MAX_KEPT_BUFFER && pending < BUFFER ? new byte[BUFFER] : buf;
            System.arraycopy(buf, pos, target, 0, pending);
            buf = target;
            pos = 0;
            limit = pending;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n <= 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** {@code buf[from, to)} without one trailing {@code \r}. */
    private byte[] copyLine(int from, int to) {
        int end = to > from && buf[to - 1] == '\r' ? to - 1 : to;
        return Arrays.copyOfRange(buf, from, end);
    }

    /** The index of the first {@code '\n'} in {@code b[from, to)}, or -1. */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            // The lowest byte equal to '\n' is the lowest zero byte of w; the borrow trick flags it exactly
            // (false flags can only appear in higher bytes), and little-endian puts it at the trailing end.
            long w = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long zero = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** What was not read yet as lines: the buffered rest, then the underlying input. */
    public InputStream remaining() {
        InputStream buffered = new java.io.ByteArrayInputStream(buf, pos, limit - pos);
        pos = limit;
        return new java.io.SequenceInputStream(buffered, in);
    }

    /**
     * Up to {@code max} bytes from the start of {@code in}, which is left where it was (it must support
     * mark/reset): lets a reader choose how to split an input (a one-line 1 GB JSON array must not be read as
     * a line) before reading it.
     */
    public static byte[] peek(InputStream in, int max) throws IOException {
        in.mark(max);
        byte[] head = in.readNBytes(max);
        in.reset();
        return head;
    }

    /** The first byte of {@code head} that is not JSON whitespace, or -1. */
    public static int firstNonBlank(byte[] head) {
        for (byte b : head) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b;
            }
        }
        return -1;
    }

    /** True when the line holds only spaces and tabs. */
    public static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
