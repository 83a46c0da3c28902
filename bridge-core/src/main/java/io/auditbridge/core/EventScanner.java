package io.auditbridge.core;

import java.nio.charset.StandardCharsets;

/**
 * {@link EventBytes}' scan of one compact Event without a parser: a single pass over the bytes that checks the JSON
 * grammar (RFC 8259) and reads the same fields. It answers only when it is sure: for anything it does not take —
 * an escape in any key or in one of the fields it reads, a key it reads given twice, a line break, a number over
 * 100 characters, nesting over 200, UTF-8 that is not well-formed, or JSON that is not valid — it returns null and
 * the caller asks Jackson, which also decides what is wrong. Whatever it accepts, Jackson accepts too (its limits
 * are wider) and reads to the same fields: {@code EventScannerTest} holds the two to that.
 */
public final class EventScanner {
    private EventScanner() {}

    private static final int MAX_DEPTH = 200;
    private static final int MAX_NUMBER = 100;
    private static final int MAX_NAME = 10_000;
    private static final int MAX_FIELD = 1 << 20;

    private static final byte[][] FIELDS = {null, bytes("kind"), bytes("apiVersion"), bytes("auditID"), bytes("stage"),
            bytes("stageTimestamp"), bytes("annotations")};
    private static final int ANNOTATIONS = 6;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Skips the JSON value at {@code b[i]} (no spaces before it) the way {@link #scan} checks it: the index after it,
     * or -1 when it is not valid JSON or not a form this takes (then ask a parser).
     */
    public static int skipValue(byte[] b, int i, int end) {
        return skipValue(b, i, end, 1);
    }

    /** The index of the first byte after spaces and tabs from {@code b[i]}, or -1 at the end or at a line break. */
    public static int skipSpaces(byte[] b, int i, int end) {
        return ws(b, i, end);
    }

    /**
     * The index of the closing quote of a string without escapes whose text starts at {@code b[from]}, or -1 (an
     * escape, a control character, UTF-8 that is not well-formed, longer than {@code max} bytes, no end).
     */
    public static int plainStringEnd(byte[] b, int from, int end, int max) {
        return plainString(b, from, end, max);
    }

    /** The scan of {@code b[start, end)}, which starts with '{' and ends with '}', or null when unsure. */
    static EventBytes.Scan scan(byte[] b, int start, int end, EventBytes.Annotations add) {
        EventBytes.Scan s = new EventBytes.Scan();
        s.present = new boolean[add.size()];
        int seen = 0;
        int i = ws(b, start + 1, end);
        if (i < 0) {
            return null;
        }
        if (b[i] == '}') {
            i++;
        } else {
            while (true) {
                if (b[i] != '"') {
                    return null;
                }
                int nameEnd = plainString(b, i + 1, end, MAX_NAME);
                if (nameEnd < 0) {
                    return null;
                }
                int field = field(b, i + 1, nameEnd);
                i = colon(b, nameEnd + 1, end);
                if (i < 0) {
                    return null;
                }
                if (field != 0) {
                    if ((seen & 1 << field) != 0) {
                        return null; // given twice: Jackson's reading decides
                    }
                    seen |= 1 << field;
                }
                if (field == ANNOTATIONS) {
                    i = annotations(b, i, end, add, s);
                } else if (field != 0) {
                    String text = null;
                    if (b[i] == '"') {
                        int close = plainString(b, i + 1, end, MAX_FIELD);
                        if (close < 0) {
                            return null;
                        }
                        text = new String(b, i + 1, close - i - 1, StandardCharsets.UTF_8);
                        i = close + 1;
                    } else {
                        i = skipValue(b, i, end, 1);
                    }
                    switch (field) {
                        case 1 -> {
                            s.kind = text;
                            s.problem |= text == null;
                        }
                        case 2 -> {
                            s.apiVersion = text;
                            s.problem |= text == null;
                        }
                        case 3 -> {
                            s.auditId = text;
                            s.problem |= text == null;
                        }
                        case 4 -> s.stage = text;
                        default -> s.stageTimestamp = text;
                    }
                } else {
                    i = skipValue(b, i, end, 1);
                }
                if (i < 0 || (i = ws(b, i, end)) < 0) {
                    return null;
                }
                if (b[i] == ',') {
                    i = ws(b, i + 1, end);
                    if (i < 0) {
                        return null;
                    }
                } else if (b[i] == '}') {
                    i++;
                    break;
                } else {
                    return null;
                }
            }
        }
        if (i != end) {
            return null; // the root's '}' is the last byte: anything after it is not one value
        }
        return EventBytes.checked(s);
    }

    /** Reads the annotations object at {@code b[i]}; the index after it, or -1. */
    private static int annotations(byte[] b, int i, int end, EventBytes.Annotations add, EventBytes.Scan s) {
        if (b[i] != '{') {
            return -1;
        }
        s.sawAnnotations = true;
        i = ws(b, i + 1, end);
        if (i < 0) {
            return -1;
        }
        int members = 0;
        if (b[i] != '}') {
            while (true) {
                if (b[i] != '"') {
                    return -1;
                }
                int keyEnd = plainString(b, i + 1, end, MAX_NAME);
                if (keyEnd < 0) {
                    return -1;
                }
                members++;
                for (int k = 0; k < add.keyUtf8.length; k++) {
                    if (java.util.Arrays.equals(b, i + 1, keyEnd, add.keyUtf8[k], 0, add.keyUtf8[k].length)) {
                        s.present[k] = true;
                    }
                }
                i = colon(b, keyEnd + 1, end);
                if (i < 0 || (i = skipValue(b, i, end, 2)) < 0 || (i = ws(b, i, end)) < 0) {
                    return -1;
                }
                if (b[i] == ',') {
                    i = ws(b, i + 1, end);
                    if (i < 0) {
                        return -1;
                    }
                } else if (b[i] == '}') {
                    break;
                } else {
                    return -1;
                }
            }
        }
        s.annotationsEmpty = members == 0;
        s.annotationsClose = i;
        return i + 1;
    }

    /** Which field of {@link #FIELDS} the key {@code b[from, to)} is, or 0. */
    private static int field(byte[] b, int from, int to) {
        for (int f = 1; f < FIELDS.length; f++) {
            if (java.util.Arrays.equals(b, from, to, FIELDS[f], 0, FIELDS[f].length)) {
                return f;
            }
        }
        return 0;
    }

    /** The index of the first token after {@code b[i]}'s spaces and tabs, or -1 at the end or at a line break. */
    private static int ws(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\t') {
                return c == '\n' || c == '\r' ? -1 : i;
            }
            i++;
        }
        return -1;
    }

    /** After a key's closing quote: the index of the value after ':', or -1. */
    private static int colon(byte[] b, int i, int end) {
        i = ws(b, i, end);
        if (i < 0 || b[i] != ':') {
            return -1;
        }
        return ws(b, i + 1, end);
    }

    /**
     * A string without escapes starting after its quote at {@code b[from]}: the index of its closing quote, or -1
     * (an escape, a control character, UTF-8 that is not well-formed, longer than {@code max}).
     */
    private static int plainString(byte[] b, int from, int end, int max) {
        int i = from;
        int stop = Math.min(end, from + max);
        while (i < stop) {
            int c = b[i];
            if (c == '"') {
                return i;
            }
            if (c >= 0x20 && c != '\\') {
                i++;
            } else if (c < 0) {
                int len = JsonStringBytes.wellFormedLength(b, i, end);
                if (len < 0) {
                    return -1;
                }
                i += len;
            } else {
                return -1;
            }
        }
        return -1;
    }

    /** A string starting after its quote at {@code b[from]}, escapes allowed: the index after its closing quote, or -1. */
    private static int skipString(byte[] b, int from, int end) {
        int i = from;
        while (true) {
            while (i <= end - Long.BYTES) {
                long special = JsonStringBytes.notPlain((long) JsonStringBytes.LONGS.get(b, i));
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += Long.BYTES;
            }
            if (i >= end) {
                return -1;
            }
            int c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c >= 0x20 && c != '\\') {
                i++;
            } else if (c == '\\') {
                if (i + 1 >= end) {
                    return -1;
                }
                switch (b[i + 1]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    case 'u' -> {
                        if (i + 6 > end) {
                            return -1;
                        }
                        for (int k = i + 2; k < i + 6; k++) {
                            if (!isHex(b[k])) {
                                return -1;
                            }
                        }
                        i += 6;
                    }
                    default -> {
                        return -1;
                    }
                }
            } else if (c < 0) {
                int len = JsonStringBytes.wellFormedLength(b, i, end);
                if (len < 0) {
                    return -1;
                }
                i += len;
            } else {
                return -1;
            }
        }
    }

    private static boolean isHex(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** Skips the value at {@code b[i]} (not whitespace); the index after it, or -1. */
    private static int skipValue(byte[] b, int i, int end, int depth) {
        if (i >= end) {
            return -1;
        }
        switch (b[i]) {
            case '"' -> {
                return skipString(b, i + 1, end);
            }
            case '{' -> {
                if (depth >= MAX_DEPTH) {
                    return -1;
                }
                i = ws(b, i + 1, end);
                if (i < 0) {
                    return -1;
                }
                if (b[i] == '}') {
                    return i + 1;
                }
                while (true) {
                    if (b[i] != '"') {
                        return -1;
                    }
                    // Keys without escapes only: Jackson decodes keys, and refuses some escapes there (a lone surrogate)
                    int nameEnd = plainString(b, i + 1, end, MAX_NAME);
                    if (nameEnd < 0) {
                        return -1;
                    }
                    i = colon(b, nameEnd + 1, end);
                    if (i < 0 || (i = skipValue(b, i, end, depth + 1)) < 0 || (i = ws(b, i, end)) < 0) {
                        return -1;
                    }
                    if (b[i] == '}') {
                        return i + 1;
                    }
                    if (b[i] != ',' || (i = ws(b, i + 1, end)) < 0) {
                        return -1;
                    }
                }
            }
            case '[' -> {
                if (depth >= MAX_DEPTH) {
                    return -1;
                }
                i = ws(b, i + 1, end);
                if (i < 0) {
                    return -1;
                }
                if (b[i] == ']') {
                    return i + 1;
                }
                while (true) {
                    if ((i = skipValue(b, i, end, depth + 1)) < 0 || (i = ws(b, i, end)) < 0) {
                        return -1;
                    }
                    if (b[i] == ']') {
                        return i + 1;
                    }
                    if (b[i] != ',' || (i = ws(b, i + 1, end)) < 0) {
                        return -1;
                    }
                }
            }
            case 't' -> {
                return literal(b, i, end, TRUE);
            }
            case 'f' -> {
                return literal(b, i, end, FALSE);
            }
            case 'n' -> {
                return literal(b, i, end, NULL);
            }
            default -> {
                return number(b, i, end);
            }
        }
    }

    private static final byte[] TRUE = bytes("true");
    private static final byte[] FALSE = bytes("false");
    private static final byte[] NULL = bytes("null");

    private static int literal(byte[] b, int i, int end, byte[] word) {
        if (i + word.length > end || !java.util.Arrays.equals(b, i, i + word.length, word, 0, word.length)) {
            return -1;
        }
        return i + word.length; // what follows is checked by the caller: a separator after spaces
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}: the index after it, or -1. */
    private static int number(byte[] b, int i, int end) {
        int start = i;
        if (i < end && b[i] == '-') {
            i++;
        }
        if (i >= end) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i, end);
        } else {
            return -1;
        }
        if (i < end && b[i] == '.') {
            int after = digits(b, i + 1, end);
            if (after == i + 1) {
                return -1;
            }
            i = after;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int after = digits(b, i, end);
            if (after == i) {
                return -1;
            }
            i = after;
        }
        return i - start > MAX_NUMBER ? -1 : i;
    }

    private static int digits(byte[] b, int i, int end) {
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }
}
