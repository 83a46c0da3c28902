package io.auditbridge.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passes an audit Event through as the bytes it arrived as: one streaming pass reads only what the pipeline needs
 * (kind, apiVersion, auditID, stage, stageTimestamp and the keys of {@code annotations}), the missing annotations
 * are spliced into the text, and the {@link Event} is built without a tree (one is parsed only if something asks
 * for it). Forwarding an Event thus costs one tokenizer pass instead of a tree read and a write.
 *
 * <p>Only the plain case is taken: one compact object (no line break) that {@link EventValidation} would accept,
 * with at most one {@code annotations} member, which is an object. Anything else returns null and the caller
 * takes its general path (tree, {@code putAnnotationIfAbsent}), which also words the error for bad input; so
 * this class never decides what is wrong with a record, only that it is the common right one.
 */
public final class EventBytes {
    private EventBytes() {}

    /** Annotations to add where absent, encoded once: key → value, in the order they are added. */
    public static final class Annotations {
        private final String[] keys;
        final byte[][] keyUtf8;
        private final byte[][] pairs;

        public Annotations(Map<String, String> annotations) {
            Map<String, String> copy = new LinkedHashMap<>(annotations);
            keys = new String[copy.size()];
            keyUtf8 = new byte[copy.size()][];
            pairs = new byte[copy.size()][];
            int i = 0;
            var nodes = EventJson.MAPPER.getNodeFactory();
            for (Map.Entry<String, String> a : copy.entrySet()) {
                keys[i] = a.getKey();
                keyUtf8[i] = a.getKey().getBytes(StandardCharsets.UTF_8);
                pairs[i] = (EventJson.toString(nodes.textNode(a.getKey())) + ":" + EventJson.toString(nodes.textNode(a.getValue())))
                        .getBytes(StandardCharsets.UTF_8);
                i++;
            }
        }

        public static Annotations of(String key, String value) {
            return new Annotations(Map.of(key, value));
        }

        public static Annotations none() {
            return new Annotations(Map.of());
        }

        int size() {
            return keys.length;
        }
    }

    /**
     * The Event {@code json} holds, with the annotations of {@code add} it lacks spliced in, or null when the text is
     * not one compact, valid Event with a plain {@code annotations} object (take the general path then).
     * Leading and trailing whitespace is dropped; {@code json} is not kept when a copy is needed.
     */
    public static Event passThrough(byte[] json, Annotations add) {
        return passThrough(json, 0, json.length, add);
    }

    /** As {@link #passThrough(byte[], Annotations)} for {@code json[offset, offset + length)}. */
    public static Event passThrough(byte[] json, int offset, int length, Annotations add) {
        return passThrough(json, offset, length, add, true);
    }

    /**
     * As {@link #passThrough(byte[], int, int, Annotations)}, but the Event never keeps {@code json}, which the
     * caller may reuse (a buffer a value was unescaped into).
     */
    public static Event passThroughCopy(byte[] json, int offset, int length, Annotations add) {
        return passThrough(json, offset, length, add, false);
    }

    private static Event passThrough(byte[] json, int offset, int length, Annotations add, boolean mayKeep) {
        int start = offset;
        int end = offset + length; // exclusive
        while (start < end && isSpace(json[start])) {
            start++;
        }
        while (end > start && isSpace(json[end - 1])) {
            end--;
        }
        if (end - start < 2 || json[start] != '{' || json[end - 1] != '}') {
            return null;
        }
        // The byte scanner first; Jackson where it is unsure, and to word what is wrong.
        Scan s = EventScanner.scan(json, start, end, add);
        if (s == null) {
            s = scan(json, start, end - start, add);
        }
        if (s == null || s.problem) {
            return null;
        }
        byte[] out = splice(json, start, end, s, add, mayKeep);
        return Event.ofValidatedBytes(out, s.auditId, s.stage, s.stageTimestamp);
    }

    /** What one pass found; offsets absolute in the scanned array. */
    static final class Scan {
        String kind;
        String apiVersion;
        String auditId;
        String stage;
        String stageTimestamp;
        boolean problem;
        boolean sawAnnotations;
        int annotationsClose = -1; // index of the annotations object's '}'
        boolean annotationsEmpty;
        boolean[] present;
    }

    static Scan scan(byte[] json, int start, int length, Annotations add) {
        Scan s = new Scan();
        s.present = new boolean[add.size()];
        try (JsonParser p = EventJson.MAPPER.getFactory().createParser(json, start, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    // A kind, apiVersion or auditID that is not text: the general path words the problem.
                    case "kind" -> {
                        s.kind = text(p, v);
                        s.problem |= s.kind == null;
                    }
                    case "apiVersion" -> {
                        s.apiVersion = text(p, v);
                        s.problem |= s.apiVersion == null;
                    }
                    case "auditID" -> {
                        s.auditId = text(p, v);
                        s.problem |= s.auditId == null;
                    }
                    case "stage" -> s.stage = text(p, v);
                    case "stageTimestamp" -> s.stageTimestamp = text(p, v);
                    case "annotations" -> {
                        if (s.sawAnnotations || v != JsonToken.START_OBJECT) {
                            return null;
                        }
                        s.sawAnnotations = true;
                        int members = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            members++;
                            // Keys come unescaped from the parser: an escaped spelling of one of ours is found too.
                            String key = p.currentName();
                            for (int i = 0; i < add.keys.length; i++) {
                                if (add.keys[i].equals(key)) {
                                    s.present[i] = true;
                                }
                            }
                            p.nextToken();
                            p.skipChildren();
                        }
                        s.annotationsEmpty = members == 0;
                        s.annotationsClose = start + (int) p.currentTokenLocation().getByteOffset();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            // Not compact, so not one NDJSON line: the parser counted a line break between tokens (inside strings
            // a raw one is not JSON, and the parse above failed).
            if (p.currentLocation().getLineNr() != 1) {
                return null;
            }
            if (s.annotationsClose >= 0 && json[s.annotationsClose] != '}') {
                return null; // offsets not what they should be: never splice blind
            }
        } catch (IOException e) {
            return null;
        }
        return checked(s);
    }

    /** The scan with what {@link EventValidation} would refuse in the fields it read flagged as a problem. */
    static Scan checked(Scan s) {
        s.problem |= (s.kind != null && !s.kind.equals("Event"))
                || (s.apiVersion != null && !s.apiVersion.startsWith("audit.k8s.io/"))
                || s.auditId == null || s.auditId.isEmpty()
                || s.stageTimestamp == null || !EventValidation.isRfc3339(s.stageTimestamp);
        return s;
    }

    private static byte[] splice(byte[] json, int start, int end, Scan s, Annotations add, boolean mayKeep) {
        int extra = 0;
        int missing = 0;
        for (int i = 0; i < add.keys.length; i++) {
            if (!s.present[i]) {
                extra += add.pairs[i].length;
                missing++;
            }
        }
        if (missing == 0) {
            return mayKeep && start == 0 && end == json.length ? json : java.util.Arrays.copyOfRange(json, start, end);
        }
        extra += missing - 1; // commas between the added pairs
        int insertAt;
        byte[] prefix;
        byte[] suffix;
        if (s.annotationsClose >= 0) {
            insertAt = s.annotationsClose;
            prefix = s.annotationsEmpty ? NOTHING : COMMA;
            suffix = NOTHING;
        } else {
            insertAt = end - 1; // the root's closing brace
            prefix = NEW_ANNOTATIONS;
            suffix = CLOSE;
        }
        extra += prefix.length + suffix.length;
        byte[] out = new byte[end - start + extra];
        int o = insertAt - start;
        System.arraycopy(json, start, out, 0, o);
        System.arraycopy(prefix, 0, out, o, prefix.length);
        o += prefix.length;
        boolean first = true;
        for (int i = 0; i < add.keys.length; i++) {
            if (s.present[i]) {
                continue;
            }
            if (!first) {
                out[o++] = ',';
            }
            first = false;
            System.arraycopy(add.pairs[i], 0, out, o, add.pairs[i].length);
            o += add.pairs[i].length;
        }
        System.arraycopy(suffix, 0, out, o, suffix.length);
        o += suffix.length;
        System.arraycopy(json, insertAt, out, o, end - insertAt);
        return out;
    }

    private static final byte[] NOTHING = new byte[0];
    private static final byte[] COMMA = {','};
    private static final byte[] CLOSE = {'}'};
    private static final byte[] NEW_ANNOTATIONS = ",\"annotations\":{".getBytes(StandardCharsets.US_ASCII);

    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /**
     * UTF-8 bytes of {@code text[offset, offset + length)} without a String in between (for a JSON string value a
     * streaming parser has just unescaped into its buffer), or null when the text holds a surrogate that is not
     * part of a pair: UTF-8 cannot carry it, so the caller keeps the text and takes its general path.
     */
    public static byte[] utf8(char[] text, int offset, int length) {
        // Through a String: its compression and encoding are vectorized intrinsics, faster than a copying char loop.
        int any = 0;
        for (int k = offset; k < offset + length; k++) {
            any |= text[k]; // a reduction the JIT vectorizes
        }
        byte[] out = new String(text, offset, length).getBytes(StandardCharsets.UTF_8);
        if (any < 0x80) {
            return out; // all ASCII
        }
        for (int k = offset; k < offset + length; k++) {
            char c = text[k];
            if (Character.isHighSurrogate(c)) {
                if (k + 1 == offset + length || !Character.isLowSurrogate(text[k + 1])) {
                    return null;
                }
                k++;
            } else if (Character.isLowSurrogate(c)) {
                return null;
            }
        }
        return out;
    }
}
