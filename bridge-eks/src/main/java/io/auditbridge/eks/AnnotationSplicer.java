package io.auditbridge.eks;

import io.auditbridge.core.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds annotations to a compact audit Event's JSON text without re-serializing it: the new {@code "key":"value"}
 * pairs are inserted at the end of the top-level {@code annotations} object (or an {@code annotations} object is
 * appended when there is none). The Event parsed from the result keeps those exact bytes, so forwarding stays
 * byte-for-byte and costs one parse instead of a parse and a write.
 *
 * <p>Only annotations the Event does not carry yet are added. Whenever the text is not what this simple scan
 * expects (not one object, a top-level key written with escapes, {@code annotations} not an object, unbalanced
 * brackets), {@link #splice} returns null and the caller takes the general path (parse, then
 * {@code putAnnotationIfAbsent}).
 */
final class AnnotationSplicer {
    private final List<String> keys = new ArrayList<>();
    private final List<byte[]> pairs = new ArrayList<>();
    private final List<byte[]> quotedKeys = new ArrayList<>();

    /** @param annotations key → value, in the order to add them */
    AnnotationSplicer(Map<String, String> annotations) {
        for (Map.Entry<String, String> a : new LinkedHashMap<>(annotations).entrySet()) {
            keys.add(a.getKey());
            quotedKeys.add(("\"" + a.getKey() + "\"").getBytes(StandardCharsets.UTF_8));
            pairs.add((EventJson.toString(EventJson.MAPPER.getNodeFactory().textNode(a.getKey())) + ":"
                    + EventJson.toString(EventJson.MAPPER.getNodeFactory().textNode(a.getValue()))).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The text with the missing annotations added; {@code json} itself when none is missing; null when unsure. */
    byte[] splice(byte[] json) {
        int start = 0;
        int end = json.length - 1;
        while (start <= end && isSpace(json[start])) {
            start++;
        }
        while (end >= start && isSpace(json[end])) {
            end--;
        }
        if (start >= end || json[start] != '{' || json[end] != '}') {
            return null;
        }
        // kube-apiserver writes annotations as the Event's last field: find it from the end, reading only it.
        Scan scan = scanLastMember(json, start, end);
        if (scan == null) {
            scan = scan(json, start, end);
        }
        if (scan == null) {
            return null;
        }
        List<byte[]> add = new ArrayList<>(pairs.size());
        for (int i = 0; i < keys.size(); i++) {
            if (!scan.annotationKeys.contains(keys.get(i))) {
                add.add(pairs.get(i));
            }
        }
        if (add.isEmpty()) {
            return json;
        }
        int insertAt;
        byte[] prefix;
        byte[] suffix;
        if (scan.annotationsEnd >= 0) {
            insertAt = scan.annotationsEnd;
            prefix = scan.annotationsEmpty() ? new byte[0] : new byte[] {','};
            suffix = new byte[0];
        } else {
            insertAt = end;
            prefix = ",\"annotations\":{".getBytes(StandardCharsets.US_ASCII);
            suffix = new byte[] {'}'};
        }
        int size = prefix.length + suffix.length + add.size() - 1;
        for (byte[] p : add) {
            size += p.length;
        }
        byte[] out = new byte[json.length + size];
        System.arraycopy(json, 0, out, 0, insertAt);
        int o = insertAt;
        System.arraycopy(prefix, 0, out, o, prefix.length);
        o += prefix.length;
        for (int i = 0; i < add.size(); i++) {
            if (i > 0) {
                out[o++] = ',';
            }
            System.arraycopy(add.get(i), 0, out, o, add.get(i).length);
            o += add.get(i).length;
        }
        System.arraycopy(suffix, 0, out, o, suffix.length);
        o += suffix.length;
        System.arraycopy(json, insertAt, out, o, json.length - insertAt);
        return out;
    }

    /**
     * Where the top-level annotations object closes (-1 when absent), whether it is empty, and which of our
     * keys it already holds.
     */
    private record Scan(int annotationsEnd, boolean annotationsEmpty, List<String> annotationKeys) {}

    private static final byte[] ANNOTATIONS = "annotations".getBytes(StandardCharsets.US_ASCII);

    /** One pass over the bytes, tracking strings and nesting; null when anything is unexpected. */
    private static Scan scan(byte[] b, int start, int end) {
        int depth = 0;
        boolean expectKey = false;
        boolean nextIsAnnotations = false;
        int annotationsDepth = -1;
        int annotationsEnd = -1;
        boolean annotationsSeen = false;
        List<String> annotationKeys = new ArrayList<>();
        // objectAt[d]: whether the container opened at depth d is an object (its next string after ',' is a key)
        boolean[] objectAt = new boolean[32];
        for (int i = start; i <= end; i++) {
            byte c = b[i];
            if (c == '"') {
                int close = i + 1;
                boolean escaped = false;
                while (close <= end && b[close] != '"') {
                    if (b[close] == '\\') {
                        escaped = true;
                        close++;
                    }
                    close++;
                }
                if (close > end) {
                    return null;
                }
                if (expectKey) {
                    if (depth == 1) {
                        if (escaped) {
                            return null;
                        }
                        if (equals(b, i + 1, close, ANNOTATIONS)) {
                            if (annotationsSeen) {
                                return null;
                            }
                            annotationsSeen = true;
                            nextIsAnnotations = true;
                        }
                    } else if (depth == annotationsDepth) {
                        if (escaped) {
                            return null;
                        }
                        annotationKeys.add(new String(b, i + 1, close - i - 1, StandardCharsets.UTF_8));
                    }
                    expectKey = false;
                } else if (nextIsAnnotations) {
                    return null; // annotations is a string
                }
                i = close;
            } else if (c == '{') {
                depth++;
                if (depth >= objectAt.length) {
                    objectAt = java.util.Arrays.copyOf(objectAt, objectAt.length * 2);
                }
                objectAt[depth] = true;
                expectKey = true;
                if (nextIsAnnotations) {
                    if (depth != 2) {
                        return null;
                    }
                    annotationsDepth = depth;
                    nextIsAnnotations = false;
                }
            } else if (c == '[') {
                if (nextIsAnnotations) {
                    return null;
                }
                depth++;
                if (depth >= objectAt.length) {
                    objectAt = java.util.Arrays.copyOf(objectAt, objectAt.length * 2);
                }
                objectAt[depth] = false;
                expectKey = false;
            } else if (c == '}' || c == ']') {
                if (depth == annotationsDepth && c == '}') {
                    annotationsEnd = i;
                    annotationsDepth = -1;
                }
                depth--;
                if (depth < 0 || (depth == 0 && i != end)) {
                    return null;
                }
                expectKey = false;
            } else if (c == ',') {
                // In an object the next string is a key; inside an array it is a value (expectKey stays false).
                expectKey = depth > 0 && objectAt[depth];
            } else if (nextIsAnnotations && c != ':' && !isSpace(c)) {
                return null; // annotations is null, a number or a boolean
            }
        }
        if (depth != 0 || nextIsAnnotations) {
            return null;
        }
        return new Scan(annotationsEnd, annotationKeys.isEmpty(), annotationKeys);
    }

    /**
     * The common case, read backwards from the closing brace: the root's last member is {@code "annotations":{…}}.
     * Only that object is read. Null when the text ends otherwise, or when the object holds a {@code \\u} escape
     * (an escaped key could spell one of ours), or any of our keys' text appears in it: the full scan decides then.
     */
    private Scan scanLastMember(byte[] b, int start, int end) {
        int close = end - 1;
        while (close > start && isSpace(b[close])) {
            close--;
        }
        if (close <= start || b[close] != '}') {
            return null;
        }
        int depth = 0;
        int open = -1;
        for (int i = close - 1; i > start; i--) {
            byte c = b[i];
            if (c == '"') {
                // back to the opening quote: the previous quote not escaped by an odd run of backslashes
                i--;
                while (i > start && (b[i] != '"' || isEscaped(b, start, i))) {
                    if (b[i] == 'u' && b[i - 1] == '\\' && isEscaped(b, start, i)) {
                        return null; // a \\u escape could spell one of our keys
                    }
                    i--;
                }
            } else if (c == '}' || c == ']') {
                depth++;
            } else if (c == '{' || c == '[') {
                if (depth == 0) {
                    if (c != '{') {
                        return null;
                    }
                    open = i;
                    break;
                }
                depth--;
            }
        }
        if (open < 0) {
            return null;
        }
        int k = open - 1;
        while (k > start && isSpace(b[k])) {
            k--;
        }
        if (b[k] != ':') {
            return null;
        }
        k--;
        while (k > start && isSpace(b[k])) {
            k--;
        }
        int keyStart = k - ANNOTATIONS.length;
        if (b[k] != '"' || keyStart - 1 <= start || b[keyStart - 1] != '"' || !equals(b, keyStart, k, ANNOTATIONS)) {
            return null;
        }
        int before = keyStart - 2;
        while (before > start && isSpace(b[before])) {
            before--;
        }
        if (b[before] != ',' && before != start) {
            return null;
        }
        for (byte[] quotedKey : quotedKeys) {
            if (contains(b, open, close, quotedKey)) {
                return null;
            }
        }
        boolean empty = true;
        for (int i = open + 1; i < close; i++) {
            if (!isSpace(b[i])) {
                empty = false;
                break;
            }
        }
        return new Scan(close, empty, List.of());
    }

    /** Whether the byte at {@code i} follows an odd run of backslashes. */
    private static boolean isEscaped(byte[] b, int start, int i) {
        int n = 0;
        for (int j = i - 1; j >= start && b[j] == '\\'; j--) {
            n++;
        }
        return (n & 1) == 1;
    }

    private static boolean contains(byte[] b, int from, int to, byte[] word) {
        outer:
        for (int i = from; i + word.length <= to; i++) {
            for (int j = 0; j < word.length; j++) {
                if (b[i + j] != word[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean equals(byte[] b, int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
