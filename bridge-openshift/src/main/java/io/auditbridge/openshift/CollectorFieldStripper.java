package io.auditbridge.openshift;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventBytes;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.Translation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@link OpenShiftTranslator}'s work on a record's bytes instead of its tree: one tokenizer pass finds the
 * top-level members, the collector's are left out of a byte copy of the rest, the audit {@code level} is
 * rewritten only when the collector's copy says otherwise, and {@link EventBytes} splices in the annotations.
 * The Event's own members keep their exact bytes, and no tree is built.
 *
 * <p>Only the plain case is taken; {@link #translate} returns null for anything else and the translator takes
 * its tree path, which decides (and words) the rest: a repeated top-level key, no valid level to restore (the
 * level is then inferred and marked), an Event that is not valid, a record that is not compact.
 */
final class CollectorFieldStripper {
    private static final Set<String> COLLECTOR_FIELDS = Set.copyOf(OpenShiftTranslator.COLLECTOR_FIELDS);

    /** The annotations of the last record, reused while the cluster identity stays the same (it nearly always does). */
    private volatile Cached last;

    /** The annotations for one cluster identity; labels as the record's bytes, so unchanged ones are not re-read. */
    private record Cached(String clusterName, String clusterId, byte[] labelsRaw, EventBytes.Annotations annotations) {}

    /** The translation of one record's bytes, or null when the tree path must decide. */
    Translation translate(byte[] raw, String clusterName) {
        return translate(raw, scan(raw), clusterName);
    }

    /**
     * The translation of one record's bytes, given what {@link #scan(JsonParser, long)} found while the record was
     * read (null: nothing usable), or null when the tree path must decide.
     */
    Translation translate(byte[] raw, Members m, String clusterName) {
        if (m == null || !m.fits(raw)) {
            return null;
        }
        if (!m.isAuditEvent()) {
            return Translation.skipped(OpenShiftTranslator.skipReason(m.logSource, m.tag));
        }
        String level = firstLevel(m.k8sLevel, m.openshiftLevel, m.level);
        if (level == null) {
            return null; // inferred from the bodies and marked: the tree path's rare case
        }
        byte[] levelMember = levelMember(level);
        byte[] stripped = new byte[raw.length + levelMember.length + 1];
        int length = strip(raw, m, level, levelMember, stripped);
        // The copying pass-through: the stripped buffer is ours alone, and it reads the Event with core's byte
        // scanner (Jackson only where that is unsure) instead of tokenizing it a second time with Jackson.
        Event e = EventBytes.passThroughCopy(stripped, 0, length, annotations(clusterName, m, raw));
        return e == null ? null : Translation.of(e);
    }

    private static String firstLevel(String... candidates) {
        for (String c : candidates) {
            if (c != null && AuditLevel.LEVELS.contains(c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * What the scan of one record found: its top-level members (where their names start, relative to the record's
     * first byte) and the values the translator reads. Unusable ({@link #fits} false) when anything was unexpected.
     */
    static final class Members {
        boolean unusable;
        int count;
        int[] nameStart = new int[32];
        boolean[] drop = new boolean[32];
        String[] names = new String[32];
        int levelMember = -1;
        int close; // the root's '}'
        String kind;
        String apiVersion;
        String auditId;
        String logSource;
        String tag;
        String level;
        String k8sLevel;
        String openshiftLevel;
        /** openshift.cluster_id when text, else null. */
        String clusterId;
        /** Where openshift.labels (an object) starts and ends, or -1. */
        int labelsStart = -1;
        int labelsEnd = -1;

        void add(String name, int start, boolean dropped) {
            if (count == nameStart.length) {
                nameStart = java.util.Arrays.copyOf(nameStart, count * 2);
                drop = java.util.Arrays.copyOf(drop, count * 2);
                names = java.util.Arrays.copyOf(names, count * 2);
            }
            names[count] = name;
            nameStart[count] = start;
            drop[count] = dropped;
            count++;
        }

        /**
         * Whether {@code name} was a member already. The parser hands out one canonical String per distinct name,
         * so identity nearly always decides; a name it did not canonicalize is compared by its (cached) hash, then
         * by value, in the same pass.
         */
        boolean repeats(String name) {
            int hash = name.hashCode();
            for (int i = 0; i < count; i++) {
                String seen = names[i];
                if (seen == name || (seen.hashCode() == hash && seen.equals(name))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the offsets point where they should in {@code raw}: never cut bytes blind. */
        boolean fits(byte[] raw) {
            if (unusable || close != raw.length - 1 || raw[close] != '}' || raw[0] != '{') {
                return false;
            }
            for (int i = 0; i < count; i++) {
                if (nameStart[i] <= 0 || nameStart[i] >= close || raw[nameStart[i]] != '"') {
                    return false;
                }
            }
            return labelsStart < 0 || (labelsStart > 0 && labelsEnd <= close && raw[labelsStart] == '{' && raw[labelsEnd - 1] == '}');
        }

        boolean isAuditEvent() {
            return "Event".equals(kind) && apiVersion != null && apiVersion.startsWith("audit.k8s.io/")
                    && auditId != null && !auditId.isEmpty();
        }
    }

    /** Scans a record held as bytes; null when they are not one object. */
    static Members scan(byte[] raw) {
        try (JsonParser p = EventJson.MAPPER.getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Members m = scan(p, 0);
            return p.nextToken() == null ? m : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Reads one record from {@code p}, which is at its START_OBJECT, to its END_OBJECT, noting members at byte
     * offsets relative to {@code base} (the record's first byte). The whole record is always consumed, so a
     * caller streaming many records stays in step; malformed JSON throws as the parser does.
     */
    static Members scan(JsonParser p, long base) throws IOException {
        Members m = new Members();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (m.repeats(name)) {
                m.unusable = true; // a repeated key: the tree keeps the last one, let it decide
            }
            if (name.equals("level")) {
                m.levelMember = m.count;
            }
            m.add(name, (int) (p.currentTokenLocation().getByteOffset() - base), COLLECTOR_FIELDS.contains(name));
            JsonToken v = p.nextToken();
            switch (name) {
                case "kind" -> m.kind = text(p, v);
                case "apiVersion" -> m.apiVersion = text(p, v);
                case "auditID" -> m.auditId = text(p, v);
                case "log_source" -> m.logSource = text(p, v);
                case "tag" -> m.tag = text(p, v);
                case "level" -> m.level = text(p, v);
                case "k8s_audit_level" -> m.k8sLevel = text(p, v);
                case "openshift_audit_level" -> m.openshiftLevel = text(p, v);
                case "openshift" -> openshift(p, v, base, m);
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("a record's members end with " + t);
        }
        m.close = (int) (p.currentTokenLocation().getByteOffset() - base);
        return m;
    }

    /** openshift.cluster_id and where openshift.labels lies (the last of repeated keys counts, as in a tree). */
    private static void openshift(JsonParser p, JsonToken v, long base, Members m) throws IOException {
        m.clusterId = null;
        m.labelsStart = -1;
        m.labelsEnd = -1;
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("cluster_id")) {
                m.clusterId = text(p, value);
            } else if (name.equals("labels")) {
                if (value == JsonToken.START_OBJECT) {
                    m.labelsStart = (int) (p.currentTokenLocation().getByteOffset() - base);
                    p.skipChildren();
                    m.labelsEnd = (int) (p.currentLocation().getByteOffset() - base);
                } else {
                    m.labelsStart = -1;
                    m.labelsEnd = -1;
                    p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /**
     * Writes the record without the collector's members, its level set to {@code level}, into {@code out} (room for
     * the record and {@code levelMember}); returns the length written.
     */
    private static int strip(byte[] raw, Members m, String level, byte[] levelMember, byte[] out) {
        int o = 0;
        out[o++] = '{';
        boolean first = true;
        for (int i = 0; i < m.count; i++) {
            if (m.drop[i]) {
                continue;
            }
            if (!first) {
                out[o++] = ',';
            }
            first = false;
            if (i == m.levelMember && !level.equals(m.level)) {
                System.arraycopy(levelMember, 0, out, o, levelMember.length);
                o += levelMember.length;
            } else {
                int end = valueEnd(raw, i + 1 < m.count ? m.nameStart[i + 1] : m.close, i + 1 < m.count);
                System.arraycopy(raw, m.nameStart[i], out, o, end - m.nameStart[i]);
                o += end - m.nameStart[i];
            }
        }
        if (m.levelMember < 0) {
            if (!first) {
                out[o++] = ',';
            }
            System.arraycopy(levelMember, 0, out, o, levelMember.length);
            o += levelMember.length;
        }
        out[o++] = '}';
        return o;
    }

    /** Where the member before {@code next} ends: back over space, the comma between members, and space again. */
    private static int valueEnd(byte[] raw, int next, boolean commaBefore) {
        int i = next;
        while (i > 0 && isSpace(raw[i - 1])) {
            i--;
        }
        if (commaBefore && raw[i - 1] == ',') {
            i--;
            while (i > 0 && isSpace(raw[i - 1])) {
                i--;
            }
        }
        return i;
    }

    private static byte[] levelMember(String level) {
        return ("\"level\":\"" + level + "\"").getBytes(StandardCharsets.US_ASCII); // levels are plain ASCII words
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** The annotations the translator adds where absent, in its order: source, cluster name, cluster id, labels. */
    private EventBytes.Annotations annotations(String clusterName, Members m, byte[] raw) {
        String cluster = clusterName != null && !clusterName.isBlank() ? clusterName.strip() : null;
        String id = m.clusterId != null && !m.clusterId.isEmpty() ? m.clusterId : null;
        byte[] labelsRaw = m.labelsStart < 0 ? null : java.util.Arrays.copyOfRange(raw, m.labelsStart, m.labelsEnd);
        Cached cached = last;
        if (cached != null && java.util.Objects.equals(cached.clusterName(), cluster) && java.util.Objects.equals(cached.clusterId(), id)
                && java.util.Arrays.equals(cached.labelsRaw(), labelsRaw)) {
            return cached.annotations();
        }
        String labels = null;
        if (labelsRaw != null) {
            try {
                JsonNode labelsNode = EventJson.MAPPER.readTree(labelsRaw);
                if (labelsNode.isObject() && !labelsNode.isEmpty()) {
                    labels = EventJson.toString(labelsNode); // as the tree path writes it
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // the record parsed a moment ago
            }
        }
        Map<String, String> add = new LinkedHashMap<>();
        add.put(Event.ANNOTATION_SOURCE, OpenShiftTranslator.PROVIDER);
        if (cluster != null) {
            add.put(Event.ANNOTATION_CLUSTER_NAME, cluster);
        }
        if (id != null) {
            add.put(OpenShiftTranslator.ANNOTATION_CLUSTER_ID, id);
        }
        if (labels != null) {
            add.put(OpenShiftTranslator.ANNOTATION_LABELS, labels);
        }
        cached = new Cached(cluster, id, labelsRaw, new EventBytes.Annotations(add));
        last = cached;
        return cached.annotations();
    }
}
