package io.auditbridge.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads an input one line at a time as bytes (no charset decoding, no String), so NDJSON is split without
 * holding the whole input: only the current line is in memory. A trailing {@code \r} is dropped.
 */
public final class LineReader {
    private final InputStream in;
    /** A scratch buffer above this size is dropped after use, so one huge line does not pin its memory. */
    private static final int MAX_KEPT_SCRATCH = 4 << 20;

    private final byte[] buf = new byte[64 * 1024];
    /** Collects a line that spans refills of {@link #buf}, so it is copied once more, at its exact size. */
    private byte[] scratch = new byte[64 * 1024];
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

    /** The next line without its terminator, or null at the end of the input. */
    /** The next line that is not blank, or null at the end. */
    public byte[] nextNonBlank() throws IOException {
        byte[] line;
        do {
            line = next();
        } while (line != null && isBlank(line));
        return line;
    }

    public byte[] next() throws IOException {
        int lineLength = 0;
        boolean started = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!started) {
                        return null;
                    }
                    lineNumber++;
                    return lineFromScratch(lineLength);
                }
            }
            started = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (pos < limit && lineLength == 0) {
                // The whole line is in the buffer: one exact copy.
                pos++; // the '\n'
                lineNumber++;
                int end = n > 0 && buf[start + n - 1] == '\r' ? n - 1 : n;
                return Arrays.copyOfRange(buf, start, start + end);
            }
            if (lineLength + n > scratch.length) {
                scratch = Arrays.copyOf(scratch, Math.max(lineLength + n, scratch.length * 2));
            }
            System.arraycopy(buf, start, scratch, lineLength, n);
            lineLength += n;
            if (pos < limit) {
                pos++; // the '\n'
                lineNumber++;
                return lineFromScratch(lineLength);
            }
        }
    }

    /** A line that spanned buffer refills, copied out of the scratch buffer (which shrinks back after a huge one). */
    private byte[] lineFromScratch(int length) {
        int end = length > 0 && scratch[length - 1] == '\r' ? length - 1 : length;
        byte[] line = Arrays.copyOf(scratch, end);
        if (scratch.length > MAX_KEPT_SCRATCH) {
            scratch = new byte[buf.length];
        }
        return line;
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
