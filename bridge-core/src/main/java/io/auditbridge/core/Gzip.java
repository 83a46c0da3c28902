package io.auditbridge.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Bounded gunzip for saved or received payloads: a small gzip bomb never becomes a large array. */
public final class Gzip {
    private static final int CHUNK = 64 * 1024;

    private Gzip() {}

    /** True when {@code bytes} start with gzip's magic number. */
    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B;
    }

    /**
     * The decompressed bytes of {@code gz}.
     *
     * @throws IllegalArgumentException when it is not valid gzip, or holds more than {@code maxBytes}
     */
    public static byte[] gunzip(byte[] gz, long maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), CHUNK)) {
            byte[] out = readAtMost(in, maxBytes);
            if (out.length > maxBytes) {
                throw new IllegalArgumentException("gzip content exceeds " + maxBytes + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid gzip: " + e.getClass().getSimpleName());
        }
    }

    /** Reads until EOF or until {@code limit + 1} bytes were read, whichever comes first. */
    public static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit + 1, CHUNK));
        byte[] buf = new byte[CHUNK];
        long total = 0;
        int n;
        while (total <= limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit + 1 - total))) != -1) {
            out.write(buf, 0, n);
            total += n;
        }
        return out.toByteArray();
    }

    /**
     * {@code in} decompressed when it starts with gzip's magic number, else {@code in} itself; streamed, so a
     * large saved file is never held whole. {@code in} must support mark/reset (a BufferedInputStream).
     */
    public static InputStream gunzipIfGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1F && b1 == 0x8B ? new java.io.BufferedInputStream(new GZIPInputStream(in, CHUNK), CHUNK) : in;
    }
}
