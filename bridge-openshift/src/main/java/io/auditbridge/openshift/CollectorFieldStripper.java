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
import java.util.HashSet;
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

    private record AnnotationsKey(String clusterName, String clusterId, String labels) {}

    private record Cached(AnnotationsKey key, EventBytes.Annotations annotations) {}

    /** The translation of one record's bytes, or null when the tree path must decide. */
    Translation translate(byte[] raw, String clusterName) {
        Members m = scan(raw);
        if (m == null) {
            return null;
        }
        if (!m.isAuditEvent()) {
            return Translation.skipped(OpenShiftTranslator.skipReason(m.logSource, m.tag));
        }
        String level = firstLevel(m.k8sLevel, m.openshiftLevel, m.level);
        if (level == null) {
            return null; // inferred from the bodies and marked: the tree path's rare case
        }
        byte[] stripped = strip(raw, m, level);
        Event e = EventBytes.passThrough(stripped, annotations(clusterName, m.openshift));
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

    /** What the scan found: top-level members (by where their names start) and the values the translator reads. */
    private static final class Members {
        int count;
        int[] nameStart = new int[32];
        boolean[] drop = new boolean[32];
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
        JsonNode openshift;

        void add(int start, boolean dropped) {
            if (count == nameStart.length) {
                nameStart = java.util.Arrays.copyOf(nameStart, count * 2);
                drop = java.util.Arrays.copyOf(drop, count * 2);
            }
            nameStart[count] = start;
            drop[count] = dropped;
            count++;
        }

        boolean isAuditEvent() {
            return "Event".equals(kind) && apiVersion != null && apiVersion.startsWith("audit.k8s.io/")
                    && auditId != null && !auditId.isEmpty();
        }
    }

    private static Members scan(byte[] raw) {
        Members m = new Members();
        Set<String> seen = new HashSet<>(48);
        try (JsonParser p = EventJson.MAPPER.getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    return null; // a repeated key: the tree keeps the last one, let it decide
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                if (start < 0 || start >= raw.length || raw[start] != '"') {
                    return null;
                }
                if (name.equals("level")) {
                    m.levelMember = m.count;
                }
                m.add(start, COLLECTOR_FIELDS.contains(name));
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
                    case "openshift" -> m.openshift = EventJson.MAPPER.readTree(p);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return null;
            }
            m.close = (int) p.currentTokenLocation().getByteOffset();
            if (p.nextToken() != null || m.close != raw.length - 1 || raw[m.close] != '}') {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return m;
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** The record without the collector's members, its level set to {@code level}. */
    private static byte[] strip(byte[] raw, Members m, String level) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
        out.write('{');
        boolean first = true;
        for (int i = 0; i < m.count; i++) {
            if (m.drop[i]) {
                continue;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            int end = valueEnd(raw, i + 1 < m.count ? m.nameStart[i + 1] : m.close, i + 1 < m.count);
            if (i == m.levelMember && !level.equals(m.level)) {
                out.writeBytes(levelMember(level));
            } else {
                out.write(raw, m.nameStart[i], end - m.nameStart[i]);
            }
        }
        if (m.levelMember < 0) {
            if (!first) {
                out.write(',');
            }
            out.writeBytes(levelMember(level));
        }
        out.write('}');
        return out.toByteArray();
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
    private EventBytes.Annotations annotations(String clusterName, JsonNode openshift) {
        String cluster = clusterName != null && !clusterName.isBlank() ? clusterName.strip() : null;
        String id = null;
        String labels = null;
        if (openshift != null && openshift.isObject()) {
            JsonNode idNode = openshift.get("cluster_id");
            if (idNode != null && idNode.isTextual() && !idNode.asText().isEmpty()) {
                id = idNode.asText();
            }
            JsonNode labelsNode = openshift.get("labels");
            if (labelsNode != null && labelsNode.isObject() && !labelsNode.isEmpty()) {
                labels = EventJson.toString(labelsNode);
            }
        }
        AnnotationsKey key = new AnnotationsKey(cluster, id, labels);
        Cached cached = last;
        if (cached == null || !cached.key().equals(key)) {
            Map<String, String> add = new LinkedHashMap<>();
            add.put(Event.ANNOTATION_SOURCE, OpenShiftTranslator.PROVIDER);
            if (cluster != null) {
                add.put(OpenShiftTranslator.ANNOTATION_CLUSTER_NAME, cluster);
            }
            if (id != null) {
                add.put(OpenShiftTranslator.ANNOTATION_CLUSTER_ID, id);
            }
            if (labels != null) {
                add.put(OpenShiftTranslator.ANNOTATION_LABELS, labels);
            }
            cached = new Cached(key, new EventBytes.Annotations(add));
            last = cached;
        }
        return cached.annotations();
    }
}
