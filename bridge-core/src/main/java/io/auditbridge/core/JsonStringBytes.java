package io.auditbridge.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Unescapes a JSON string value straight from the UTF-8 text it was read from into a reusable byte buffer: the
 * UTF-8 of the string's value, with no {@code char[]} or String in between. A streaming parser decodes a string to
 * UTF-16 chars, which must then be encoded back to UTF-8 to pass the value on as bytes (an Event carried inside
 * another JSON document's string); this does it in one pass.
 *
 * <p>Only the plain case is taken, so the result always equals the parser's value encoded as UTF-8: the standard
 * escapes ({@code \" \\ \/ \b \f \n \r \t \}{@code uXXXX}, surrogate pairs as two escapes) and well-formed UTF-8.
 * A raw control character, any other escape, a lone surrogate, UTF-8 that is not well-formed (overlong, a
 * surrogate, above U+10FFFF, cut short) or no closing quote gives -1: the caller reads the value through its parser
 * then, which also words what is wrong.
 */
public final class JsonStringBytes {
    private JsonStringBytes() {}

    /** A growable buffer; {@code bytes()[0, length())} hold the value last unescaped into it. */
    public static final class Buffer {
        private byte[] bytes;
        private int length;

        public Buffer(int initialCapacity) {
            bytes = new byte[Math.max(16, initialCapacity)];
        }

        public byte[] bytes() {
            return bytes;
        }

        public int length() {
            return length;
        }
    }

    /**
     * Unescapes the string whose text starts at {@code src[from]} (just after its opening quote) into {@code out};
     * returns the index of its closing quote, or -1 when the string is not the plain case (see the class) or does
     * not end before {@code to}. {@code out} holds garbage after -1.
     */
    public static int unescape(byte[] src, int from, int to, Buffer out) {
        byte[] o = out.bytes;
        int n = 0;
        int i = from;
        while (true) {
            if (n > o.length - 12) { // room for the most one step writes: 7 plain bytes of a word, then 4
                o = Arrays.copyOf(o, o.length * 2);
                out.bytes = o;
            }
            if (i <= to - Long.BYTES) {
                // 8 bytes at a time up to the first that is not plain printable ASCII: copied whole, counted up to it
                long w = (long) LONGS.get(src, i);
                LONGS.set(o, n, w);
                long special = notPlain(w);
                if (special == 0) {
                    i += Long.BYTES;
                    n += Long.BYTES;
                    continue;
                }
                int plain = Long.numberOfTrailingZeros(special) >>> 3;
                i += plain;
                n += plain;
            } else if (i >= to) {
                return -1;
            }
            int c = src[i];
            if (c >= 0x20 && c != '"' && c != '\\') { // printable ASCII: c is signed, so bytes >= 0x80 are negative
                o[n++] = (byte) c;
                i++;
                continue;
            }
            if (c == '"') {
                out.length = n;
                return i;
            }
            if (c == '\\') {
                if (i + 1 >= to) {
                    return -1;
                }
                int e = src[i + 1];
                i += 2;
                switch (e) {
                    case '"', '\\', '/' -> o[n++] = (byte) e;
                    case 'b' -> o[n++] = '\b';
                    case 'f' -> o[n++] = '\f';
                    case 'n' -> o[n++] = '\n';
                    case 'r' -> o[n++] = '\r';
                    case 't' -> o[n++] = '\t';
                    case 'u' -> {
                        int cp = hex4(src, i, to);
                        if (cp < 0) {
                            return -1;
                        }
                        i += 4;
                        if (cp >= 0xD800 && cp <= 0xDFFF) {
                            // Only a high surrogate followed at once by an escaped low one makes a character.
                            if (cp > 0xDBFF || i + 1 >= to || src[i] != '\\' || src[i + 1] != 'u') {
                                return -1;
                            }
                            int low = hex4(src, i + 2, to);
                            if (low < 0xDC00 || low > 0xDFFF) {
                                return -1;
                            }
                            i += 6;
                            cp = Character.toCodePoint((char) cp, (char) low);
                        }
                        n = encode(cp, o, n);
                    }
                    default -> {
                        return -1;
                    }
                }
                continue;
            }
            if (c >= 0) {
                return -1; // a raw control character
            }
            int len = wellFormedLength(src, i, to);
            if (len < 0) {
                return -1;
            }
            for (int k = 0; k < len; k++) {
                o[n++] = src[i + k];
            }
            i += len;
        }
    }

    /**
     * A mask with the high bit set in the lowest byte of {@code w} (little-endian) that is a quote, a backslash, a
     * control character or not ASCII. Each test is the borrow trick, which flags the lowest matching byte exactly
     * (false flags only above a true one), so the lowest bit of the union is exact too.
     */
    static long notPlain(long w) {
        long quote = w ^ 0x2222222222222222L;
        long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
        return ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (w - 0x2020202020202020L) & ~w | w) & HIGHS;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The value of 4 hex digits at {@code src[i]}, or -1. */
    private static int hex4(byte[] src, int i, int to) {
        if (i + 4 > to) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int b = src[i + k];
            int d = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static int encode(int cp, byte[] o, int n) {
        if (cp < 0x80) {
            o[n++] = (byte) cp;
        } else if (cp < 0x800) {
            o[n++] = (byte) (0xC0 | cp >> 6);
            o[n++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            o[n++] = (byte) (0xE0 | cp >> 12);
            o[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
            o[n++] = (byte) (0x80 | cp & 0x3F);
        } else {
            o[n++] = (byte) (0xF0 | cp >> 18);
            o[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
            o[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
            o[n++] = (byte) (0x80 | cp & 0x3F);
        }
        return n;
    }

    /**
     * The length of the well-formed UTF-8 sequence of a non-ASCII character at {@code src[i]} (Unicode table 3-7:
     * no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
     */
    static int wellFormedLength(byte[] src, int i, int to) {
        int b0 = src[i] & 0xFF;
        int len;
        int lo = 0x80;
        int hi = 0xBF; // the allowed range of the second byte
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            if (b0 == 0xE0) {
                lo = 0xA0;
            } else if (b0 == 0xED) {
                hi = 0x9F;
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return -1;
        }
        if (i + len > to) {
            return -1;
        }
        int b1 = src[i + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return -1;
        }
        for (int k = 2; k < len; k++) {
            if ((src[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return len;
    }
}
