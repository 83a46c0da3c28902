package io.auditbridge.core.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body within the wire limit and undoes its {@code Content-Encoding} within the decoded
 * limit. Both reads stop one byte past their limit, so an oversized body or a decompression bomb costs at
 * most the limit in memory.
 */
final class BodyDecoder {
    private static final int CHUNK = 64 * 1024;

    /** The body is larger than allowed (wire or decoded): answered 413. */
    static final class TooLargeException extends Exception {
        TooLargeException(String reason) {
            super(reason);
        }
    }

    /** The {@code Content-Encoding} is not one this receiver undoes: answered 415. */
    static final class UnsupportedEncodingException extends Exception {
        UnsupportedEncodingException(String reason) {
            super(reason);
        }
    }

    private final long maxWire;
    private final long maxDecoded;

    BodyDecoder(long maxWire, long maxDecoded) {
        this.maxWire = maxWire;
        this.maxDecoded = maxDecoded;
    }

    /** Checks a declared {@code Content-Length} before reading anything and returns it. */
    long checkDeclaredLength(String contentLength) throws TooLargeException, BadRequestException {
        long declared;
        try {
            declared = Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
            throw new BadRequestException("Content-Length is not a number");
        }
        if (declared > maxWire) {
            throw new TooLargeException("body of " + declared + " bytes exceeds the limit of " + maxWire + " bytes");
        }
        if (declared < 0) {
            throw new BadRequestException("Content-Length is negative");
        }
        return declared;
    }

    /** True when {@code contentEncoding} leaves the body as it is (checked before by {@link #checkEncoding}). */
    boolean isIdentity(String contentEncoding) {
        try {
            return encoding(contentEncoding).equals("identity");
        } catch (UnsupportedEncodingException e) {
            return false;
        }
    }

    /** Tells whether the encoding is one {@link #decode} undoes, before the body is read. */
    void checkEncoding(String contentEncoding) throws UnsupportedEncodingException {
        encoding(contentEncoding);
    }

    byte[] readWire(InputStream in) throws IOException, TooLargeException {
        return readWire(in, -1);
    }

    /**
     * @param declared the body's {@code Content-Length} (already checked against the limit), or -1 when chunked: a
     *     declared body is read straight into an array of its size, not grown chunk by chunk and copied again
     */
    byte[] readWire(InputStream in, long declared) throws IOException, TooLargeException {
        if (declared >= 0 && declared <= maxWire) {
            byte[] body = new byte[(int) declared];
            int n = in.readNBytes(body, 0, body.length);
            return n == body.length ? body : java.util.Arrays.copyOf(body, n);
        }
        byte[] bytes = io.auditbridge.core.Gzip.readAtMost(in, maxWire);
        if (bytes.length > maxWire) {
            throw new TooLargeException("body exceeds the limit of " + maxWire + " bytes");
        }
        return bytes;
    }

    byte[] decode(byte[] wire, String contentEncoding)
            throws TooLargeException, BadRequestException, UnsupportedEncodingException {
        String encoding = encoding(contentEncoding);
        if (encoding.equals("identity")) {
            return wire;
        }
        byte[] out;
        try (InputStream in = inflating(encoding, wire)) {
            out = io.auditbridge.core.Gzip.readAtMost(in, maxDecoded);
        } catch (ZipException | java.io.EOFException e) {
            throw new BadRequestException("body is not valid " + encoding + " data");
        } catch (IOException e) {
            throw new BadRequestException("body is not valid " + encoding + " data: " + e.getClass().getSimpleName());
        }
        if (out.length > maxDecoded) {
            throw new TooLargeException("decompressed body exceeds the limit of " + maxDecoded + " bytes");
        }
        return out;
    }

    private static String encoding(String header) throws UnsupportedEncodingException {
        if (header == null || header.isBlank()) {
            return "identity";
        }
        String e = header.strip().toLowerCase(Locale.ROOT);
        return switch (e) {
            case "identity" -> "identity";
            case "gzip", "x-gzip" -> "gzip";
            case "deflate" -> "deflate";
            default -> throw new UnsupportedEncodingException("Content-Encoding " + BadRequestException.oneLine(e)
                    + " is not supported (use gzip, deflate or none)");
        };
    }

    private static InputStream inflating(String encoding, byte[] wire) throws IOException {
        if (encoding.equals("gzip")) {
            return new GZIPInputStream(new ByteArrayInputStream(wire), CHUNK);
        }
        // HTTP "deflate" means zlib-wrapped (RFC 9110), which Vector's "zlib" sends; some clients send raw
        // deflate instead, so look at the zlib header before choosing.
        boolean zlib = wire.length >= 2 && (wire[0] & 0x0F) == 8 && (((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF)) % 31 == 0;
        return new InflaterInputStream(new ByteArrayInputStream(wire), new Inflater(!zlib), CHUNK) {
            @Override
            public void close() throws IOException {
                super.close();
                inf.end(); // a custom Inflater is not ended by InflaterInputStream
            }
        };
    }
}
